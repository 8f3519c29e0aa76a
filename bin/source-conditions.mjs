// Only in pagebound's own repository: `import 'pagebound'` from the example pages and test fixtures
// resolves to src/ (the "pagebound-source" export condition) instead of the compiled dist/.
export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...context.conditions, 'pagebound-source'] });
}
