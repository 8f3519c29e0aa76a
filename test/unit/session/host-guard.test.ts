import { describe, expect, it } from 'vitest';
import { hostAllowed, hostName } from '../../../src/session/host-guard.js';

describe('host guard', () => {
  it.each([['localhost:3000', 'localhost'], ['[::1]:3000', '[::1]'], ['[::1]', '[::1]'], ['App.Example', 'app.example']])(
    'hostName(%s) is %s', (host, name) => expect(hostName(host)).toBe(name),
  );

  it.each([
    ['app.example', true], ['APP.example:443', true], ['eu.cdn.example', true], ['cdn.example', true],
    ['evilcdn.example', false], ['app.example.evil', false], ['evil.example', false], ['', false], [undefined, false],
  ])('%s allowed: %s', (host, ok) => {
    expect(hostAllowed(host, ['app.example', '.cdn.example'])).toBe(ok);
  });
});
