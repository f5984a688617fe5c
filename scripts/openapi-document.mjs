#!/usr/bin/env node
/**
 * The api's OpenAPI document, built offline: the api's own modules are loaded from source (ts-node, transpile
 * only) into a Nest application in preview mode, which registers every controller but instantiates no provider,
 * so no database, Redis or port is touched. The document is the one GET /docs-json serves (setup-app.ts builds
 * both with buildOpenApiDocument; test/e2e/client.e2e-spec.ts checks they are equal).
 *
 *   node scripts/openapi-document.mjs              # JSON on stdout
 *   node scripts/openapi-document.mjs out.json     # JSON written to out.json
 *
 * Other scripts import `openApiDocument()` (scripts/client-generate.mjs).
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A fixed environment: the document never depends on this machine's .env or settings. Nothing here is
 * connected to (preview mode); the values only have to pass config validation.
 */
const DOCUMENT_ENV = {
  NODE_ENV: 'test',
  ENV_FILE: 'none',
  LOG_LEVEL: 'silent',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:9/openapi',
  REDIS_URL: 'redis://127.0.0.1:9',
  REGIONS: 'us-east-1,eu-west-1',
  DEFAULT_REGION: 'us-east-1',
  JWT_SECRET: 'openapi-document-only-not-a-secret-0123456789',
  ENCRYPTION_KEYS: `v1:${Buffer.alloc(32, 7).toString('base64')}`,
  MIGRATIONS_RUN: 'false',
  // The document's `servers`: a deployment's /docs-json names its own PUBLIC_URL.
  PUBLIC_URL: 'https://flowline.example.com',
};

/** Loads apps/api from source once per process and returns its OpenAPI document as a plain object. */
export async function openApiDocument() {
  const require = createRequire(resolve(ROOT, 'package.json'));
  require('ts-node').register({ transpileOnly: true, project: resolve(ROOT, 'tsconfig.json') });
  const tsconfig = JSON.parse(readFileSync(resolve(ROOT, 'tsconfig.json'), 'utf8'));
  require('tsconfig-paths').register({ baseUrl: ROOT, paths: tsconfig.compilerOptions.paths });
  // Migrations import their .sql files as text (webpack and jest do the same).
  require.extensions['.sql'] = (module, file) => {
    module.exports = readFileSync(file, 'utf8');
  };
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { FastifyAdapter } = require('@nestjs/platform-fastify');
  const { parseConfig } = require(resolve(ROOT, 'libs/config/src/load-config'));
  const { AppModule } = require(resolve(ROOT, 'apps/api/src/app.module'));
  const { buildOpenApiDocument } = require(resolve(ROOT, 'apps/api/src/openapi/openapi-document'));

  const config = parseConfig(DOCUMENT_ENV);
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    // A JSON round trip: the document as a client fetching /docs-json sees it (no undefined, no class instances).
    return JSON.parse(JSON.stringify(buildOpenApiDocument(app, config)));
  } finally {
    await app.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // Whatever a module prints while loading must not end up in the JSON on stdout.
  console.log = console.info = console.warn;
  const output = process.argv[2];
  openApiDocument()
    .then((document) => {
      const json = `${JSON.stringify(document, null, 2)}\n`;
      if (output) {
        writeFileSync(output, json);
        process.exit(0);
      }
      process.stdout.write(json, () => process.exit(0));
    })
    .catch((error) => {
      process.stderr.write(`openapi-document: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
