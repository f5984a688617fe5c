import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';

const nested = (depth: number, open: string, close: string) => JSON.parse(open.repeat(depth) + '1' + close.repeat(depth)) as unknown;

describe('nestedDeeperThan', () => {
  it('counts objects and arrays alike, the top level being 1', () => {
    expect(nestedDeeperThan(nested(3, '{"a":', '}'), 3)).toBe(false);
    expect(nestedDeeperThan(nested(4, '{"a":', '}'), 3)).toBe(true);
    expect(nestedDeeperThan(JSON.parse('[[[]]]'), 3)).toBe(false);
    expect(nestedDeeperThan(JSON.parse('[[[[]]]]'), 3)).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: { c: [1] } }] }, 4)).toBe(true);
  });

  it('ignores scalars and wide bodies', () => {
    for (const scalar of [null, 1, 'x', true, undefined]) expect(nestedDeeperThan(scalar, 0)).toBe(false);
    expect(nestedDeeperThan({ list: Array.from({ length: 100000 }, (_, i) => ({ i })) }, MAX_JSON_DEPTH)).toBe(false);
  });

  it('handles depths that would overflow a recursive walk', () => {
    const arrays = JSON.parse('['.repeat(200000) + ']'.repeat(200000)) as unknown;
    expect(nestedDeeperThan(arrays, MAX_JSON_DEPTH)).toBe(true);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH, '{"a":', '}'), MAX_JSON_DEPTH)).toBe(false);
  });
});
