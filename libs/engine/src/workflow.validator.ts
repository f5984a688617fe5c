import { DefinitionProblem, StepType } from './engine.types';
import { expressionProblem, referencedStepIds } from './expression.evaluator';
import { HEADER_NAME, isReservedHeader } from './http-header-rules';
import {
  DELAY_MS_INTEGER,
  DELAY_MS_TEMPLATE,
  EXPRESSION_PARAM_FIELDS,
  HTTP_PARAM_FIELDS,
  IntegerSchema,
  MAX_STEPS,
  PARAM_FIELDS,
  RETRY_FIELDS,
  STEP_FIELDS,
  STEP_ID_PATTERN,
  STEP_KEYS,
  STEP_TYPES,
  StringMapSchema,
} from './step-schema';
import { findTemplates, isSingleTemplate, parseTemplatePath } from './template.renderer';

const RETRY_KEYS = Object.keys(RETRY_FIELDS);

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function integerProblem(value: unknown, schema: IntegerSchema): string | null {
  const valid = typeof value === 'number' && Number.isInteger(value) && value >= schema.minimum && value <= schema.maximum;
  return valid ? null : `must be an integer from ${schema.minimum} to ${schema.maximum}`;
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

class StepChecker {
  constructor(
    private readonly problems: DefinitionProblem[],
    private readonly stepId: string | null,
    private readonly base: string,
    /** Ids of the steps before this one, which it may reference. */
    private readonly earlier: ReadonlySet<string>,
    private readonly allIds: ReadonlySet<string>,
  ) {}

  add(path: string, message: string): void {
    this.problems.push({ stepId: this.stepId, path, message });
  }

  check(step: PlainObject): void {
    for (const key of Object.keys(step)) {
      if (!(STEP_KEYS as readonly string[]).includes(key)) this.add(childPath(this.base, key), 'unknown property');
    }
    const type = step.type;
    const typeKnown = typeof type === 'string' && (STEP_TYPES as readonly string[]).includes(type);
    if (!typeKnown) this.add(`${this.base}.type`, `must be one of ${STEP_TYPES.join(', ')}`);
    if (step.retry !== undefined) this.checkRetry(step.retry);
    const timeoutProblem = step.timeoutMs === undefined ? null : integerProblem(step.timeoutMs, STEP_FIELDS.timeoutMs);
    if (timeoutProblem) this.add(`${this.base}.timeoutMs`, timeoutProblem);
    const paramsPath = `${this.base}.params`;
    if (!isPlainObject(step.params)) {
      this.add(paramsPath, 'must be an object');
      return;
    }
    if (!typeKnown) return;
    const params = step.params;
    for (const key of Object.keys(params)) {
      if (!Object.hasOwn(PARAM_FIELDS[type as StepType], key)) this.add(childPath(paramsPath, key), `unknown parameter for a ${type} step`);
    }
    switch (type as StepType) {
      case 'http':
        this.checkHttp(params, paramsPath);
        break;
      case 'transform':
      case 'condition':
        this.checkExpression(params.expression, `${paramsPath}.expression`);
        break;
      case 'delay':
        this.checkDelay(params.ms, `${paramsPath}.ms`);
        break;
    }
  }

  private checkRetry(retry: unknown): void {
    const path = `${this.base}.retry`;
    if (!isPlainObject(retry)) {
      this.add(path, 'must be an object {attempts, backoffMs}');
      return;
    }
    for (const key of Object.keys(retry)) if (!RETRY_KEYS.includes(key)) this.add(childPath(path, key), 'unknown property');
    for (const [key, schema] of Object.entries(RETRY_FIELDS)) {
      const problem = integerProblem(retry[key], schema);
      if (problem) this.add(`${path}.${key}`, problem);
    }
  }

  private checkHttp(params: PlainObject, path: string): void {
    const method = params.method;
    const methods: readonly string[] = HTTP_PARAM_FIELDS.method.enum;
    if (typeof method !== 'string' || !methods.includes(method)) this.add(`${path}.method`, `must be one of ${methods.join(', ')}`);
    this.checkUrl(params.url, `${path}.url`);
    if (params.headers !== undefined) this.checkStringMap(params.headers, `${path}.headers`, HTTP_PARAM_FIELDS.headers, true);
    if (params.query !== undefined) this.checkStringMap(params.query, `${path}.query`, HTTP_PARAM_FIELDS.query, false);
    if (params.body !== undefined) {
      if (method === 'HEAD') this.add(`${path}.body`, 'a HEAD request has no body');
      this.checkTemplates(params.body, `${path}.body`);
    }
    const credentialId = params.credentialId;
    if (credentialId !== undefined) {
      const { maxLength } = HTTP_PARAM_FIELDS.credentialId;
      if (typeof credentialId !== 'string' || credentialId.length === 0 || credentialId.length > maxLength) {
        this.add(`${path}.credentialId`, `must be a non-empty string of at most ${maxLength} characters`);
      } else if (findTemplates(credentialId).length > 0) {
        // Choosing the credential from run data would let a webhook caller pick any of the owner's secrets.
        this.add(`${path}.credentialId`, 'must be a fixed credential id, not a template');
      }
    }
  }

  private checkUrl(url: unknown, path: string): void {
    if (typeof url !== 'string' || url.trim() === '') {
      this.add(path, 'must be a non-empty string');
      return;
    }
    const { maxLength } = HTTP_PARAM_FIELDS.url;
    if (url.length > maxLength) this.add(path, `must be at most ${maxLength} characters`);
    this.checkTemplates(url, path);
    const templates = findTemplates(url);
    if (templates.length === 0) {
      const parsed = URL.canParse(url) ? new URL(url) : null;
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
        this.add(path, 'must be an absolute http:// or https:// URL');
      return;
    }
    // A URL that starts with a template gets its scheme from run data; the runtime checks it then.
    if (templates[0].index === 0) return;
    if (!/^https?:\/\//i.test(url.slice(0, templates[0].index))) {
      this.add(path, 'must start with http:// or https://');
    }
  }

  private checkStringMap(value: unknown, path: string, schema: StringMapSchema, headers: boolean): void {
    if (!isPlainObject(value)) {
      this.add(path, 'must be an object of strings');
      return;
    }
    const entries = Object.entries(value);
    if (entries.length > schema.maxProperties) this.add(path, `must have at most ${schema.maxProperties} entries (got ${entries.length})`);
    const { maxLength } = schema.additionalProperties;
    for (const [name, item] of entries) {
      const itemPath = childPath(path, name);
      if (headers && !HEADER_NAME.test(name)) this.add(itemPath, 'is not a valid header name');
      else if (headers && isReservedHeader(name)) this.add(itemPath, 'is set by the HTTP client and cannot be given');
      if (typeof item !== 'string') {
        this.add(itemPath, 'must be a string');
        continue;
      }
      if (item.length > maxLength) this.add(itemPath, `must be at most ${maxLength} characters`);
      if (headers && /[\r\n\0]/.test(item)) this.add(itemPath, 'must not contain line breaks or NUL');
      this.checkTemplates(item, itemPath);
    }
  }

  private checkExpression(expression: unknown, path: string): void {
    if (typeof expression !== 'string') {
      this.add(path, 'must be a JSONata expression string');
      return;
    }
    const { maxLength } = EXPRESSION_PARAM_FIELDS.expression;
    if (expression.length > maxLength) {
      this.add(path, `expression must be at most ${maxLength} characters`);
      return;
    }
    const problem = expressionProblem(expression);
    if (problem) {
      this.add(path, problem);
      return;
    }
    for (const id of referencedStepIds(expression)) {
      const problemText = this.stepReferenceProblem(id);
      if (problemText) this.add(path, `steps.${id} ${problemText}`);
    }
  }

  private checkDelay(ms: unknown, path: string): void {
    if (typeof ms === 'string' && isSingleTemplate(ms)) {
      if (ms.length > DELAY_MS_TEMPLATE.maxLength) this.add(path, `must be at most ${DELAY_MS_TEMPLATE.maxLength} characters`);
      else this.checkTemplates(ms, path);
      return;
    }
    const problem = integerProblem(ms, DELAY_MS_INTEGER);
    if (problem) this.add(path, `${problem} (ms)`);
  }

  private stepReferenceProblem(id: string): string | null {
    if (this.earlier.has(id)) return null;
    if (id === this.stepId) return 'refers to this step itself; only earlier steps can be used';
    if (this.allIds.has(id)) return `refers to step "${id}", which does not run before this step`;
    return `refers to unknown step "${id}"`;
  }

  /** Every `{{ path }}` in strings anywhere inside `value` must read `input` or an earlier step. */
  private checkTemplates(value: unknown, path: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => this.checkTemplates(item, childPath(path, index)));
      return;
    }
    if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) this.checkTemplates(item, childPath(path, key));
      return;
    }
    if (typeof value !== 'string') return;
    for (const template of findTemplates(value)) {
      const segments = parseTemplatePath(template.expression);
      if (!segments) {
        this.add(path, `invalid template ${template.source}: expected a path like input.a or steps.<id>.output`);
      } else if (segments[0] !== 'input' && segments[0] !== 'steps') {
        this.add(path, `template ${template.source} must start with input or steps`);
      } else if (segments[0] === 'steps' && segments.length > 1) {
        const problem = this.stepReferenceProblem(String(segments[1]));
        if (problem) this.add(path, `template ${template.source} ${problem}`);
      }
    }
  }
}

/** All problems of a workflow definition; an empty list means it is valid. */
export function validateWorkflowSteps(steps: unknown): DefinitionProblem[] {
  if (!Array.isArray(steps)) return [{ stepId: null, path: 'steps', message: 'must be an array of steps' }];
  if (steps.length === 0) return [{ stepId: null, path: 'steps', message: 'must contain at least one step' }];
  if (steps.length > MAX_STEPS) {
    return [{ stepId: null, path: 'steps', message: `must contain at most ${MAX_STEPS} steps (got ${steps.length})` }];
  }
  const problems: DefinitionProblem[] = [];
  const allIds = new Set(
    steps.map((step: unknown) => (isPlainObject(step) && typeof step.id === 'string' ? step.id : null)).filter((id) => id !== null),
  );
  const earlier = new Set<string>();
  const firstIndex = new Map<string, number>();
  steps.forEach((step: unknown, index) => {
    const base = `steps[${index}]`;
    if (!isPlainObject(step)) {
      problems.push({ stepId: null, path: base, message: 'must be an object {id, type, params, retry?, timeoutMs?}' });
      return;
    }
    const id = typeof step.id === 'string' ? step.id : null;
    const checker = new StepChecker(problems, id, base, earlier, allIds);
    if (id === null || !STEP_ID_PATTERN.test(id)) {
      checker.add(
        `${base}.id`,
        `must start with a letter and hold only letters, digits, _ and - (at most ${STEP_FIELDS.id.maxLength} characters)`,
      );
    } else if (firstIndex.has(id)) {
      checker.add(`${base}.id`, `duplicate step id "${id}" (also used by steps[${firstIndex.get(id)}])`);
    }
    checker.check(step);
    if (id !== null && !firstIndex.has(id)) firstIndex.set(id, index);
    if (id !== null) earlier.add(id);
  });
  return problems;
}
