import { containsUnstorableText } from './json-text';

describe('containsUnstorableText', () => {
  it('accepts ordinary text, emoji and nested values', () => {
    expect(containsUnstorableText({ name: 'Zoë 😀', list: ['a', { b: 'ok' }], n: 1, nothing: null })).toBe(false);
  });

  it('finds a NUL or a lone surrogate in a value or a key, at any depth', () => {
    expect(containsUnstorableText({ name: 'a\u0000b' })).toBe(true);
    expect(containsUnstorableText({ deep: [{ x: '\ud800' }] })).toBe(true);
    expect(containsUnstorableText({ ['k\udc00']: 1 })).toBe(true);
    expect(containsUnstorableText('\u0000')).toBe(true);
  });
});
