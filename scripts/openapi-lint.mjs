#!/usr/bin/env node
/**
 * Lints the api's OpenAPI document (built offline, as scripts/openapi-document.mjs does) with Spectral and the
 * ruleset in .spectral.yaml (spectral:oas and the OWASP API Security Top 10). Fails on any error; prints the
 * count of warnings.
 *
 *   npm run lint:openapi
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from './openapi-document.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEVERITY = ['error', 'warning', 'info', 'hint'];

const dir = mkdtempSync(join(tmpdir(), 'flowline-openapi-'));
const file = join(dir, 'openapi.json');
writeFileSync(file, JSON.stringify(await openApiDocument(), null, 2));
const run = spawnSync(
  resolve(ROOT, 'node_modules/.bin/spectral'),
  ['lint', file, '--ruleset', resolve(ROOT, '.spectral.yaml'), '--format', 'json', '--quiet'],
  { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
rmSync(dir, { recursive: true, force: true });

let results;
try {
  results = JSON.parse(run.stdout);
} catch {
  process.stderr.write(`lint:openapi: Spectral did not answer with results (exit ${run.status})\n${run.stdout}${run.stderr}`);
  process.exit(1);
}
const counts = { error: 0, warning: 0, info: 0, hint: 0 };
for (const result of results) {
  const severity = SEVERITY[result.severity];
  counts[severity] += 1;
  if (severity === 'error' || process.argv.includes('--verbose')) {
    console.log(`${severity.padEnd(7)} ${result.code.padEnd(44)} ${result.path.join('.')}: ${result.message}`);
  }
}
console.log(`lint:openapi: ${counts.error} errors, ${counts.warning} warnings (spectral:oas + OWASP API Security Top 10; .spectral.yaml)`);
process.exit(counts.error === 0 ? 0 : 1);
