import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const COMMON = __dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('common/ holds what every module uses and depends on no domain module', () => {
  it('imports nothing from apps/api/src outside common/', () => {
    const outside = sourceFiles(COMMON).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)]
        .map((match) => resolve(file, '..', match[1]))
        .filter((target) => relative(COMMON, target).startsWith('..'))
        .map((target) => `${relative(COMMON, file)} imports ${relative(join(COMMON, '..'), target)}`),
    );
    expect(outside).toEqual([]);
  });
});
