import fc from 'fast-check';
import { isSingleTemplate } from './template.renderer';
import { DELAY_MS_TEMPLATE, JsonSchema, MAX_STEPS, STEP_COMPONENT_SCHEMAS, STEP_TYPES, STEPS_SCHEMA } from './step-schema';
import { childPath, validateWorkflowSteps } from './workflow.validator';

/**
 * The document and the validator agree: instances are built from the published schemas (values that pass the
 * semantic checks come from SEEDS), then every bound the schema states is probed on both sides of the boundary
 * through validateWorkflowSteps.
 */
type Path = (string | number)[];

/** Values the semantic checks accept (a URL, JSONata, a template), keyed by property name; other strings are 'x'. */
const SEEDS: Record<string, string> = {
  id: 'step1',
  url: 'https://example.com/a',
  expression: '1',
  credentialId: 'cred-1',
  ms: '{{ input.ms }}',
};

function resolve(schema: JsonSchema): JsonSchema {
  if ('$ref' in schema) return STEP_COMPONENT_SCHEMAS[schema.$ref.replace('#/components/schemas/', '')];
  return schema;
}

function componentOf(type: string): JsonSchema {
  const union = STEP_COMPONENT_SCHEMAS.Step;
  if (!('discriminator' in union) || !union.discriminator) throw new Error('Step has no discriminator');
  return resolve({ $ref: union.discriminator.mapping[type] });
}

/** One instance per oneOf branch; each holds every optional property the schema lists, except bodies of any JSON. */
function samples(schema: JsonSchema, name: string): unknown[] {
  const resolved = resolve(schema);
  if ('oneOf' in resolved) return resolved.oneOf.flatMap((branch) => samples(branch, name));
  if ('enum' in resolved) return [resolved.enum[0]];
  if (!('type' in resolved)) return [];
  switch (resolved.type) {
    case 'integer':
      return [resolved.minimum];
    case 'string':
      return [SEEDS[name] ?? 'x'];
    case 'array':
      return [];
    case 'object':
      if (!('properties' in resolved)) return [{ 'X-Sample': 'x' }];
      return Object.entries(resolved.properties).reduce<Record<string, unknown>[]>(
        (instances, [key, property]) => {
          const values = samples(property, key);
          if (values.length === 0) return instances;
          return instances.flatMap((instance) => values.map((value) => ({ ...instance, [key]: value })));
        },
        [{}],
      );
  }
}

function stepSamples(type: string): Record<string, unknown>[] {
  return samples(componentOf(type), type).map((step) => ({ ...(step as object), id: `${type}Step` }));
}

interface Probe {
  what: string;
  path: Path;
  /** The value to set at `path`; `undefined` deletes the property. */
  value: unknown;
  accepted: boolean;
  /** A value of another JSON type, which a oneOf may well accept through another branch. */
  otherType?: boolean;
}

/** A string of exactly `length` characters grown from `seed`, matching `pattern` where any such string can. */
function stretch(seed: string, length: number, pattern?: string): string {
  const candidates = [' ', 'a'].flatMap((pad) => [
    ...(seed.endsWith('}}') ? [`${seed.slice(0, -2)}${pad.repeat(length - seed.length)}}}`] : []),
    seed + pad.repeat(length - seed.length),
  ]);
  return candidates.find((text) => !pattern || new RegExp(pattern).test(text)) ?? candidates[0];
}

/** Every bound the schema states, probed at the edge (accepted) and one past it (rejected). */
function probes(schema: JsonSchema, path: Path, current: unknown): Probe[] {
  const resolved = resolve(schema);
  const at = (what: string, value: unknown, accepted: boolean, where: Path = path): Probe => ({ what, path: where, value, accepted });
  const otherType = (what: string, value: unknown): Probe => ({ ...at(what, value, false), otherType: true });
  if ('oneOf' in resolved) {
    // Each branch is probed from a value of that branch; a value of no branch is refused.
    const branches = resolved.oneOf
      .flatMap((branch) => probes(branch, path, samples(branch, String(path.at(-1)))[0]))
      .filter((probe) => !probe.otherType);
    return [...branches, at('a value matching no branch', true, false)];
  }
  if ('enum' in resolved) {
    return [
      ...resolved.enum.map((value) => at(`enum value ${value}`, value, true)),
      at('a value outside the enum', `${resolved.enum[0]}_X`, false),
    ];
  }
  if (!('type' in resolved)) return [];
  switch (resolved.type) {
    case 'integer':
      return [
        at('minimum', resolved.minimum, true),
        at('maximum', resolved.maximum, true),
        at('minimum - 1', resolved.minimum - 1, false),
        at('maximum + 1', resolved.maximum + 1, false),
        at('a fraction', resolved.minimum + 0.5, false),
        otherType('a numeric string', String(resolved.minimum)),
      ];
    case 'string': {
      const seed = typeof current === 'string' ? current : 'x';
      const list = [
        at('maxLength', stretch(seed, resolved.maxLength, resolved.pattern), true),
        at('maxLength + 1', stretch(seed, resolved.maxLength + 1, resolved.pattern), false),
        otherType('a number', 7),
      ];
      if (resolved.minLength) list.push(at('shorter than minLength', ''.padEnd(resolved.minLength - 1, 'a'), false));
      if (resolved.pattern) {
        const pattern = new RegExp(resolved.pattern);
        list.push(
          at(
            'a value outside the pattern',
            ['1x', 'soon'].find((text) => !pattern.test(text)),
            false,
          ),
        );
      }
      return list;
    }
    case 'array':
      return [];
    case 'object': {
      const object = current as Record<string, unknown>;
      if (!('properties' in resolved)) {
        const entries = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`X-Entry-${index}`, 'x']));
        const [name] = Object.keys(object);
        return [
          at('maxProperties entries', entries(resolved.maxProperties), true),
          at('maxProperties + 1 entries', entries(resolved.maxProperties + 1), false),
          otherType('an array', []),
          ...probes(resolved.additionalProperties, [...path, name], object[name]),
        ];
      }
      return [
        at('an unknown property', 'surprise', false, [...path, 'unexpected']),
        otherType('not an object', 'text'),
        ...resolved.required.map((key) => at(`without required ${key}`, undefined, false, [...path, key])),
        ...Object.entries(resolved.properties).flatMap(([key, property]) => probes(property, [...path, key], object[key])),
      ];
    }
  }
}

function withValue(step: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(step);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

function problemPaths(step: unknown): string[] {
  return validateWorkflowSteps([step]).map((problem) => problem.path);
}

describe('the step schemas and validateWorkflowSteps agree', () => {
  describe.each(STEP_TYPES)('a %s step', (type) => {
    const [full] = stepSamples(type);

    it('every instance built from its schema, with or without its optional properties, is accepted', () => {
      const component = componentOf(type);
      const required = 'required' in component ? component.required : [];
      for (const step of stepSamples(type)) {
        expect(problemPaths(step)).toEqual([]);
        expect(problemPaths(Object.fromEntries(Object.entries(step).filter(([key]) => required.includes(key))))).toEqual([]);
      }
    });

    it.each(probes(componentOf(type), [], full).map((probe) => [probe.path.join('.') || '(step)', probe.what, probe]))(
      '%s: %s',
      (_path, _what, probe) => {
        const target = probe.path.reduce<string>((parent, key) => childPath(parent, key), 'steps[0]');
        const paths = problemPaths(probe.path.length === 0 ? probe.value : withValue(full, probe.path, probe.value));
        if (probe.accepted) expect(paths).toEqual([]);
        else expect(paths.some((path) => path === target || path.startsWith(`${target}.`) || path.startsWith(`${target}[`))).toBe(true);
      },
    );
  });

  it('the steps array holds minItems to maxItems steps', () => {
    const steps = (count: number) => Array.from({ length: count }, (_, index) => ({ id: `s${index}`, type: 'delay', params: { ms: 0 } }));
    expect(STEPS_SCHEMA.maxItems).toBe(MAX_STEPS);
    expect(validateWorkflowSteps(steps(STEPS_SCHEMA.minItems))).toEqual([]);
    expect(validateWorkflowSteps(steps(STEPS_SCHEMA.maxItems))).toEqual([]);
    expect(validateWorkflowSteps(steps(STEPS_SCHEMA.minItems - 1))).not.toEqual([]);
    expect(validateWorkflowSteps(steps(STEPS_SCHEMA.maxItems + 1))).not.toEqual([]);
  });

  it("a delay's template pattern is exactly the renderer's single template", () => {
    const pattern = new RegExp(DELAY_MS_TEMPLATE.pattern);
    const text = fc.string({ unit: fc.constantFrom('{', '}', ' ', 'a', '.', '\n') });
    fc.assert(fc.property(text, (candidate) => pattern.test(candidate) === isSingleTemplate(candidate)));
  });

  it("an http step's body takes any JSON", () => {
    const json = fc.jsonValue().filter((value) => !JSON.stringify(value).includes('{{'));
    fc.assert(
      fc.property(json, (body) => {
        expect(problemPaths({ id: 'send', type: 'http', params: { method: 'POST', url: 'https://example.com', body } })).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('the schemas state a bound for every value: strings maxLength or enum, integers int32 with bounds, closed objects', () => {
    const unbounded: string[] = [];
    const visit = (schema: JsonSchema, where: string): void => {
      if ('oneOf' in schema) schema.oneOf.forEach((branch, index) => visit(branch, `${where}/oneOf/${index}`));
      if (!('type' in schema)) return;
      if (schema.type === 'string' && !('enum' in schema) && !(schema.maxLength > 0)) unbounded.push(where);
      if (
        schema.type === 'integer' &&
        !(schema.format === 'int32' && Number.isInteger(schema.minimum) && Number.isInteger(schema.maximum))
      ) {
        unbounded.push(where);
      }
      if (schema.type === 'object' && 'properties' in schema) {
        if (schema.additionalProperties !== false) unbounded.push(where);
        for (const [key, property] of Object.entries(schema.properties)) visit(property, `${where}/${key}`);
      }
      if (schema.type === 'object' && 'maxProperties' in schema) visit(schema.additionalProperties, `${where}/*`);
    };
    for (const [name, schema] of Object.entries(STEP_COMPONENT_SCHEMAS)) visit(schema, name);
    expect(unbounded).toEqual([]);
  });
});
