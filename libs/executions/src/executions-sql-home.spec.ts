import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * Issue 16: every piece of SQL about executions lives in libs/executions. This fails when a .ts file anywhere
 * else in apps/ or libs/ names the executions or execution_steps tables in SQL text, or hands the entities to
 * TypeORM. Entities, migrations and tests are exempt: they define the tables, or check them from outside.
 */
const ROOT = join(__dirname, '..', '..', '..');
const EXEMPT = ['libs/executions/', 'libs/database/src/entities/', 'libs/database/src/migrations/'];
const TEST_FILE = /\.(spec|e2e-spec|testing)\.ts$/;

const TABLE_IN_SQL = /\b(?:from|into|update|join|table|truncate)\s+(?:only\s+)?(?:"?public"?\.)?"?(?:executions|execution_steps)\b(?!\.)/i;
const STEPS_TABLE = /\bexecution_steps\b/;
const ENTITIES = new Set(['ExecutionEntity', 'ExecutionStepEntity']);

/** What in one source file is SQL (or TypeORM querying) about executions: one line per finding. */
export function executionSqlIn(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node) => `${fileName}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    // A template with ${…}: its literal parts joined, so `FROM executions e WHERE ${filter}` is seen whole.
    else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ? ');
    if (text !== undefined && (TABLE_IN_SQL.test(text) || STEPS_TABLE.test(text))) {
      found.push(`${at(node)} SQL names an executions table: ${text.trim().split('\n')[0].slice(0, 80)}`);
    }
    // getRepository(ExecutionEntity), @InjectRepository(ExecutionEntity), manager.find(ExecutionStepEntity, …),
    // qb.innerJoin(ExecutionEntity, …): any call given an entity class is TypeORM about its table.
    if (ts.isCallExpression(node) && node.arguments.some((arg) => ts.isIdentifier(arg) && ENTITIES.has(arg.text))) {
      found.push(`${at(node)} TypeORM call on an execution entity: ${node.expression.getText(file)}(…)`);
    }
    if (ts.isTemplateExpression(node)) node.templateSpans.forEach((span) => visit(span.expression));
    else ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('dist')) return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('SQL about executions lives in libs/executions', () => {
  it('no other file in apps/ or libs/ queries the executions or execution_steps tables', () => {
    const files = ['apps', 'libs']
      .flatMap((top) => sourceFiles(join(ROOT, top)))
      .map((path) => relative(ROOT, path).split(sep).join('/'))
      .filter((path) => !TEST_FILE.test(path) && !EXEMPT.some((prefix) => path.startsWith(prefix)));
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((path) => executionSqlIn(path, readFileSync(join(ROOT, path), 'utf8')))).toEqual([]);
  });

  it.each([
    ['a query', "dataSource.query('SELECT status FROM executions WHERE id = $1', [id]);"],
    ['a template with a filter', 'manager.query(`DELETE FROM executions e WHERE ${filter}`);'],
    ['a join', 'query(`SELECT 1 FROM users u JOIN executions e ON e.owner_id = u.id`);'],
    ['an insert', 'query("INSERT INTO executions (id) VALUES ($1)");'],
    ['an update', "sql('UPDATE public.executions SET status = $2');"],
    ['the steps table anywhere in a string', "const table = 'execution_steps';"],
    ['a TypeORM repository', 'dataSource.getRepository(ExecutionEntity).count();'],
    ['an injected repository', 'class A { constructor(@InjectRepository(ExecutionStepEntity) r: unknown) {} }'],
    ['a query builder join', "qb.innerJoin(ExecutionEntity, 'e', 'e.id = x.execution_id');"],
  ])('catches %s', (_, source) => {
    expect(executionSqlIn('planted.ts', source)).toHaveLength(1);
  });

  it.each([
    ['a comment', '// deletes from executions in batches\nconst x = 1;'],
    ['a Swagger description', "ApiProperty({ description: 'Queued + running executions; null = unlimited' });"],
    ['a section name', "readonly section = 'executions';"],
    ['a route', "Controller('executions');"],
    ['a metric name', "new Counter({ name: 'flowline_executions_total' });"],
    ['an entity built in memory', 'Object.assign(new ExecutionEntity(), { id });'],
    ['a repository of another lib', 'executions.countByStatus();'],
  ])('lets %s be', (_, source) => {
    expect(executionSqlIn('fine.ts', source)).toEqual([]);
  });
});
