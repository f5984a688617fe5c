import jsonata from 'jsonata';
import { StepFailure } from './engine.errors';

// Guards against runaway expressions from tenants: recursion depth and sequence size.
const MAX_STACK_DEPTH = 2_000;
const MAX_SEQUENCE_LENGTH = 1_000_000;

interface JsonataErrorLike {
  code?: string;
  message?: string;
  position?: number;
}

export function describeJsonataError(error: unknown): string {
  const details = (typeof error === 'object' && error !== null ? error : {}) as JsonataErrorLike;
  const message = details.message ?? String(error);
  const where = typeof details.position === 'number' ? `, position ${details.position}` : '';
  return details.code ? `${message} (${details.code}${where})` : message;
}

function compileProblem(source: string): string | null {
  if (source.trim() === '') return 'expression must not be empty';
  try {
    jsonata(source);
    return null;
  } catch (error) {
    return `invalid JSONata: ${describeJsonataError(error)}`;
  }
}

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
}

function stepIdsIn(source: string): string[] {
  const ast = jsonata(source).ast() as unknown;
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const path = node as AstNode;
    if (path.type === 'path' && Array.isArray(path.steps)) {
      const steps = path.steps;
      const first = steps[0]?.type === 'variable' && (steps[0].value === '' || steps[0].value === '$') ? 1 : 0;
      const root = steps[first];
      const id = steps[first + 1];
      if (root?.type === 'name' && root.value === 'steps' && id?.type === 'name' && typeof id.value === 'string') {
        found.add(id.value);
      }
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(ast);
  return [...found];
}

interface ExpressionAnalysis {
  problem: string | null;
  referencedStepIds: string[];
}

// Every run validates its definition again (the worker must not trust stored JSON): parsing each
// expression twice per run showed in the worker's profile, and the analysis depends on the text alone.
const ANALYSES_KEPT = 1000;
const analyses = new Map<string, ExpressionAnalysis>();

function analyse(source: string): ExpressionAnalysis {
  let analysis = analyses.get(source);
  if (!analysis) {
    const problem = compileProblem(source);
    analysis = { problem, referencedStepIds: problem === null ? stepIdsIn(source) : [] };
    if (analyses.size >= ANALYSES_KEPT) analyses.clear();
    analyses.set(source, analysis);
  }
  return analysis;
}

/** Null when the expression compiles, else why not. */
export function expressionProblem(source: string): string | null {
  return analyse(source).problem;
}

/** Step ids named by `steps.<id>`, `$.steps.<id>` or `$$.steps.<id>` anywhere in a compiled expression. */
export function referencedStepIds(source: string): string[] {
  return [...analyse(source).referencedStepIds];
}

function plainValue(value: unknown, ancestors: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (record._jsonata_lambda || record._jsonata_function) return undefined;
  if (ancestors.has(value)) throw new StepFailure('Expression result is circular');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => plainValue(item, ancestors) ?? null);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      const plain = plainValue(item, ancestors);
      if (plain !== undefined) result[key] = plain;
    }
    return result;
  } finally {
    ancestors.delete(value);
  }
}

/** JSONata results may be sequences with extra properties or hold functions: keep plain JSON only. */
export function toJsonValue(value: unknown): unknown {
  return plainValue(value, new Set()) ?? null;
}

/** JSONata's boolean cast ($boolean), so conditions behave as they do in the expression language. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.some((item) => isTruthy(item));
  if (typeof value === 'function') return false;
  return Object.keys(value).length > 0;
}

/** Evaluates over `context`; `deadline` (epoch ms) bounds CPU time, which no AbortSignal can interrupt. */
export async function evaluateExpression(source: string, context: unknown, deadline: number): Promise<unknown> {
  const options: jsonata.JsonataOptions = { stack: MAX_STACK_DEPTH, sequence: MAX_SEQUENCE_LENGTH };
  if (Number.isFinite(deadline)) options.timeout = Math.max(1, Math.floor(deadline - Date.now()));
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, options);
  } catch (error) {
    throw new StepFailure(`Invalid JSONata: ${describeJsonataError(error)}`);
  }
  let result: unknown;
  try {
    result = await expression.evaluate(context);
  } catch (error) {
    throw new StepFailure(`JSONata evaluation failed: ${describeJsonataError(error)}`);
  }
  return toJsonValue(result);
}
