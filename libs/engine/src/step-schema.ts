/**
 * The structure of a workflow step, once: the OpenAPI 3.0 schemas the api publishes (`STEP_COMPONENT_SCHEMAS`) are
 * built from the field schemas below, and workflow.validator.ts reads its keys, bounds, enums and patterns from the
 * same objects. Semantic rules (JSONata, templates, reserved headers, URL schemes) live in the validator only.
 */
import { StepType } from './engine.types';
import { HTTP_METHODS } from './safe-http.client';

export interface IntegerSchema {
  type: 'integer';
  format: 'int32';
  minimum: number;
  maximum: number;
  description?: string;
}

export interface StringSchema {
  type: 'string';
  minLength?: number;
  maxLength: number;
  pattern?: string;
  description?: string;
}

export interface EnumSchema {
  type: 'string';
  enum: string[];
  description?: string;
}

export interface StringMapSchema {
  type: 'object';
  maxProperties: number;
  additionalProperties: StringSchema;
  description?: string;
}

/** No `type`: any JSON value. */
export interface AnyJsonSchema {
  description: string;
}

export interface OneOfSchema {
  oneOf: JsonSchema[];
  description?: string;
  discriminator?: { propertyName: string; mapping: Record<string, string> };
}

export interface RefSchema {
  $ref: string;
  description?: string;
}

export interface ObjectSchema {
  type: 'object';
  additionalProperties: false;
  required: string[];
  properties: Record<string, JsonSchema>;
  description?: string;
}

export interface ArraySchema {
  type: 'array';
  minItems: number;
  maxItems: number;
  items: JsonSchema;
}

export type JsonSchema =
  IntegerSchema | StringSchema | EnumSchema | StringMapSchema | AnyJsonSchema | OneOfSchema | RefSchema | ObjectSchema | ArraySchema;

export const STEP_TYPES: readonly StepType[] = ['http', 'transform', 'condition', 'delay'];
export const MAX_STEPS = 100;
export const MAX_DELAY_MS = 300_000;

function integer(minimum: number, maximum: number, description?: string): IntegerSchema {
  return { type: 'integer', format: 'int32', minimum, maximum, ...(description ? { description } : {}) };
}

function stringMap(maxProperties: number, value: StringSchema, description: string): StringMapSchema {
  return { type: 'object', maxProperties, additionalProperties: value, description };
}

const STEP_ID_MAX_LENGTH = 64;

export const STEP_FIELDS = {
  id: {
    type: 'string',
    minLength: 1,
    maxLength: STEP_ID_MAX_LENGTH,
    pattern: `^[A-Za-z][A-Za-z0-9_-]{0,${STEP_ID_MAX_LENGTH - 1}}$`,
    description: 'Unique in the workflow; later steps read this step as steps.<id>.output',
  } satisfies StringSchema,
  timeoutMs: integer(1, 300_000, 'Bound of each attempt, in ms'),
};

export const STEP_ID_PATTERN = new RegExp(STEP_FIELDS.id.pattern);

/** `attempts` counts every try; the wait before try n+1 is `backoffMs * 2^(n-1)`. */
export const RETRY_FIELDS = {
  attempts: integer(1, 10, 'Tries in all, the first included'),
  backoffMs: integer(0, 60_000, 'Wait before the second try; doubles after each'),
};

const MAX_HTTP_STRING_LENGTH = 8_192;

export const HTTP_PARAM_FIELDS = {
  method: { type: 'string', enum: [...HTTP_METHODS] } satisfies EnumSchema,
  url: {
    type: 'string',
    minLength: 1,
    maxLength: MAX_HTTP_STRING_LENGTH,
    description: 'Absolute http(s) URL; may hold {{ templates }} (a URL that starts with one is checked when the step runs)',
  } satisfies StringSchema,
  headers: stringMap(
    100,
    { type: 'string', maxLength: MAX_HTTP_STRING_LENGTH },
    'Header name → value (values may hold {{ templates }}); Host, Content-Length, Connection and other framing headers are refused',
  ),
  query: stringMap(100, { type: 'string', maxLength: MAX_HTTP_STRING_LENGTH }, 'Query parameter → value (may hold {{ templates }})'),
  body: { description: 'Any JSON; strings in it may hold {{ templates }}. A string is sent as text/plain, anything else as JSON.' },
  credentialId: {
    type: 'string',
    minLength: 1,
    maxLength: 200,
    description: 'Id of one of your credentials (POST /credentials); a fixed id, never a template',
  } satisfies StringSchema,
};

export const EXPRESSION_PARAM_FIELDS = {
  expression: {
    type: 'string',
    minLength: 1,
    maxLength: 10_000,
    description: 'JSONata over {input, steps: {<id>: {output}}}',
  } satisfies StringSchema,
};

/** The whole string is one `{{ path }}` (no text around it, no second template), which yields the raw value. */
export const DELAY_MS_TEMPLATE = {
  type: 'string',
  maxLength: 1_000,
  pattern: '^\\{\\{(?:(?!\\}\\})[\\s\\S])*\\}\\}$',
  description: 'A single {{ template }} that yields the integer when the step runs',
} satisfies StringSchema;
export const DELAY_MS_INTEGER = integer(0, MAX_DELAY_MS, 'Milliseconds to wait');

export const DELAY_PARAM_FIELDS = {
  ms: { oneOf: [DELAY_MS_INTEGER, DELAY_MS_TEMPLATE] } satisfies OneOfSchema,
};

export const PARAM_FIELDS: Record<StepType, Record<string, JsonSchema>> = {
  http: HTTP_PARAM_FIELDS,
  transform: EXPRESSION_PARAM_FIELDS,
  condition: EXPRESSION_PARAM_FIELDS,
  delay: DELAY_PARAM_FIELDS,
};

const REQUIRED_PARAMS: Record<StepType, string[]> = {
  http: ['method', 'url'],
  transform: ['expression'],
  condition: ['expression'],
  delay: ['ms'],
};

/** The keys of a step object; each step type's component schema lists them in this order. */
export const STEP_KEYS = ['id', 'type', 'params', 'retry', 'timeoutMs'] as const;

const COMPONENT_NAMES: Record<StepType, { step: string; params: string; description: string }> = {
  http: { step: 'HttpStep', params: 'HttpStepParams', description: 'Calls a URL; output {status, headers, body}' },
  transform: { step: 'TransformStep', params: 'TransformStepParams', description: 'Output: the value of a JSONata expression' },
  condition: {
    step: 'ConditionStep',
    params: 'ConditionStepParams',
    description: 'Stops the run (succeeded, later steps skipped) when its JSONata expression is false',
  },
  delay: { step: 'DelayStep', params: 'DelayStepParams', description: `Waits up to ${MAX_DELAY_MS} ms` },
};

function componentRef(name: string): RefSchema {
  return { $ref: `#/components/schemas/${name}` };
}

function objectSchema(properties: Record<string, JsonSchema>, required: string[], description?: string): ObjectSchema {
  return { type: 'object', additionalProperties: false, required, properties, ...(description ? { description } : {}) };
}

function stepSchema(type: StepType): ObjectSchema {
  const names = COMPONENT_NAMES[type];
  const properties: Record<(typeof STEP_KEYS)[number], JsonSchema> = {
    id: STEP_FIELDS.id,
    type: { type: 'string', enum: [type] },
    params: componentRef(names.params),
    retry: componentRef('StepRetry'),
    timeoutMs: STEP_FIELDS.timeoutMs,
  };
  return objectSchema(properties, ['id', 'type', 'params'], names.description);
}

function stepComponents(type: StepType): Record<string, ObjectSchema> {
  const names = COMPONENT_NAMES[type];
  return { [names.step]: stepSchema(type), [names.params]: objectSchema(PARAM_FIELDS[type], REQUIRED_PARAMS[type]) };
}

/** `components.schemas` entries of the OpenAPI document: `Step` (the union) and what it refers to. */
export const STEP_COMPONENT_SCHEMAS: Record<string, JsonSchema> = {
  Step: {
    oneOf: STEP_TYPES.map((type) => componentRef(COMPONENT_NAMES[type].step)),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(STEP_TYPES.map((type) => [type, componentRef(COMPONENT_NAMES[type].step).$ref])),
    },
  },
  ...Object.assign({}, ...STEP_TYPES.map(stepComponents)),
  StepRetry: objectSchema(RETRY_FIELDS, ['attempts', 'backoffMs'], 'Tries again after a retryable failure, e.g. a timeout or a 5xx answer'),
};

/** A workflow's `steps` property. */
export const STEPS_SCHEMA: ArraySchema = { type: 'array', minItems: 1, maxItems: MAX_STEPS, items: componentRef('Step') };
