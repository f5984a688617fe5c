import { StepFailure } from './engine.errors';

export type PathSegment = string | number;

export interface TemplateMatch {
  /** The whole `{{ ... }}` text. */
  source: string;
  /** The trimmed text between the braces. */
  expression: string;
  index: number;
}

const TEMPLATE_PATTERN = /\{\{(.*?)\}\}/gs;
const ROOT_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;
const DOT_NAME = /^\.([A-Za-z0-9_$-]+)/;
const INDEX = /^\[(0|[1-9][0-9]{0,8})\]/;
const QUOTED_KEY = /^\[(?:"([^"\\]*)"|'([^'\\]*)')\]/;

export function findTemplates(text: string): TemplateMatch[] {
  return [...text.matchAll(TEMPLATE_PATTERN)].map((match) => ({
    source: match[0],
    expression: match[1].trim(),
    index: match.index ?? 0,
  }));
}

export function hasTemplate(text: string): boolean {
  return findTemplates(text).length > 0;
}

/** True when the whole string is one template, which then yields a raw (non-string) value. */
export function isSingleTemplate(text: string): boolean {
  const found = findTemplates(text);
  return found.length === 1 && found[0].index === 0 && found[0].source.length === text.length;
}

/** `steps.fetch.output.body.items[0].name` → ['steps', 'fetch', 'output', 'body', 'items', 0, 'name']; null when malformed. */
export function parseTemplatePath(expression: string): PathSegment[] | null {
  const root = ROOT_NAME.exec(expression);
  if (!root) return null;
  const segments: PathSegment[] = [root[0]];
  let rest = expression.slice(root[0].length);
  while (rest.length > 0) {
    const dot = DOT_NAME.exec(rest);
    const index = dot ? null : INDEX.exec(rest);
    const quoted = dot || index ? null : QUOTED_KEY.exec(rest);
    if (dot) segments.push(dot[1]);
    else if (index) segments.push(Number(index[1]));
    else if (quoted) segments.push(quoted[1] ?? quoted[2]);
    else return null;
    rest = rest.slice((dot ?? index ?? quoted)![0].length);
  }
  return segments;
}

/** Own properties only, so a template can never reach prototype members. */
export function resolvePath(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/** How a value reads inside a longer string. */
export function stringifyValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function evaluateTemplate(match: TemplateMatch, context: unknown): unknown {
  const path = parseTemplatePath(match.expression);
  if (!path) throw new StepFailure(`Invalid template ${match.source}: expected a path like input.a or steps.<id>.output`);
  return resolvePath(context, path);
}

export function renderString(text: string, context: unknown): unknown {
  const found = findTemplates(text);
  if (found.length === 0) return text;
  if (isSingleTemplate(text)) return evaluateTemplate(found[0], context);
  let rendered = '';
  let position = 0;
  for (const match of found) {
    rendered += text.slice(position, match.index) + stringifyValue(evaluateTemplate(match, context));
    position = match.index + match.source.length;
  }
  return rendered + text.slice(position);
}

/** Renders every string inside `value` (objects and arrays, deeply); object keys are left alone. */
export function renderTemplates(value: unknown, context: unknown): unknown {
  if (typeof value === 'string') return renderString(value, context);
  if (Array.isArray(value)) return value.map((item) => renderTemplates(item, context));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderTemplates(item, context)]));
  }
  return value;
}
