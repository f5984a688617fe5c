#!/usr/bin/env node
/**
 * Checks that the OpenAPI document follows the validation: for every request DTO of the api (a class in
 * apps/api/src/**\/*.dto.ts with class-validator rules), each bound a validator enforces (length, range, integer,
 * array size, allowed values, pattern, format) is the one the document states, wherever the DTO appears (a body
 * schema, or the query parameters of the routes that take it). Prints JSON {classes, mismatches}; exits 1 on a
 * mismatch. Run by apps/api/src/openapi/openapi-document.spec.ts (jest cannot load @nestjs/swagger, an ES module).
 */
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from './openapi-document.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(resolve(ROOT, 'package.json'));

function dtoFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return dtoFiles(path);
    return name.endsWith('.dto.ts') ? [path] : [];
  });
}

/** What the document must say about a property, from its validators (those with a schema counterpart). */
function expectedSchema(rules) {
  const expected = {};
  for (const rule of rules) {
    const [first] = rule.constraints ?? [];
    const key = {
      maxLength: 'maxLength',
      minLength: 'minLength',
      max: 'maximum',
      min: 'minimum',
      arrayMaxSize: 'maxItems',
      arrayMinSize: 'minItems',
      isIn: 'enum',
    }[rule.name];
    if (key) expected[key] = first;
    if (rule.name === 'isInt') expected.type = 'integer';
    if (rule.name === 'matches') expected.pattern = first.source;
    if (rule.name === 'isUuid') expected.format = 'uuid';
    if (rule.name === 'isEmail') expected.format = 'email';
  }
  return expected;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function validationAgreement() {
  const document = await openApiDocument();
  const { getMetadataStorage } = require('class-validator');
  const storage = getMetadataStorage();
  const rulesOf = (target) => storage.getTargetValidationMetadatas(target, '', true, false);
  const classes = dtoFiles(resolve(ROOT, 'apps/api/src'))
    .flatMap((file) => Object.values(require(file)))
    .filter((value) => typeof value === 'function' && rulesOf(value).length > 0);
  const queryParameterSets = Object.values(document.paths)
    .flatMap((item) => Object.values(item))
    .map((operation) => (operation.parameters ?? []).filter((parameter) => parameter.in === 'query'));

  const mismatches = [];
  const checked = [];
  for (const target of classes) {
    const byProperty = new Map();
    for (const rule of rulesOf(target)) byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
    const component = document.components.schemas[target.name];
    const places = component?.properties
      ? [{ where: `components.schemas.${target.name}`, properties: component.properties }]
      : queryParameterSets
          .filter((parameters) => [...byProperty.keys()].every((name) => parameters.some((parameter) => parameter.name === name)))
          .map((parameters) => ({
            where: `query of ${target.name}`,
            properties: Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema])),
          }));
    if (places.length === 0) mismatches.push({ class: target.name, problem: 'not in the document' });
    checked.push({ class: target.name, places: places.length });
    for (const { where, properties } of places) {
      for (const [property, rules] of byProperty) {
        const expected = expectedSchema(rules);
        const documented = properties[property] ?? {};
        for (const [key, value] of Object.entries(expected)) {
          if (same(documented[key], value)) continue;
          mismatches.push({ where, property, key, validation: value, document: documented[key] ?? null });
        }
        if (expected.type === 'integer' && !/^int(32|64)$/.test(documented.format ?? '')) {
          mismatches.push({ where, property, key: 'format', validation: 'int32 or int64', document: documented.format ?? null });
        }
      }
    }
  }
  return { classes: checked, mismatches };
}

const result = await validationAgreement();
console.log(JSON.stringify(result, null, 2));
process.exit(result.mismatches.length === 0 ? 0 : 1);
