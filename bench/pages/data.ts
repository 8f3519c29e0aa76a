/**
 * The data every rendering benchmark uses, built once at load so the figures measure rendering
 * and the framework around it, not data generation. Names carry `&`, `<` and quotes so that
 * auto-escaping does real work, as it would on user content.
 */
export interface Item { id: number; name: string; price: string; tags: string[] }

export const catalog: { title: string; items: Item[] } = {
  title: 'Catalog & "deals"',
  items: Array.from({ length: 20 }, (_, i) => ({
    id: i + 1,
    name: `Item <${i + 1}> & "friends"`,
    price: (9.99 + i * 3.5).toFixed(2),
    tags: ['new', i % 2 ? 'odd' : 'even', i % 3 ? 'x' : 'fizz'],
  })),
};
