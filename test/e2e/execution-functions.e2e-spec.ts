import { Client } from 'pg';
import { admissionDecision, chooseRegion } from '../../libs/executions/src/admission-rules';
import { DECISION_CASES, REGION_CASES } from '../../libs/executions/src/admission-rules.testing';
import { EXECUTION_FUNCTIONS } from '../../libs/executions/src/sql/execution-functions';
import { createTestDatabase, TestDatabase } from '../support/database';

const SCRATCH = 'flowline_definition_scratch';

/**
 * The run lifecycle's database functions against a migrated database (real PostgreSQL): each is what its `.sql`
 * file creates, and the rules TypeScript and SQL both decide agree on one table of cases.
 */
describe('execution functions (libs/executions/src/sql)', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  /** pg_get_functiondef of every function of that name in the schema. */
  async function definitions(schema: string, name: string): Promise<string[]> {
    const { rows } = await client.query<{ definition: string }>(
      `SELECT pg_get_functiondef(p.oid) AS definition FROM pg_proc p WHERE p.proname = $1 AND p.pronamespace = $2::regnamespace ORDER BY p.oid`,
      [name, schema],
    );
    return rows.map((row) => row.definition);
  }

  it.each(Object.keys(EXECUTION_FUNCTIONS))('the migrated %s is the one its file creates (and has no other overload)', async (name) => {
    // The file applied in a scratch schema (bodies checked), compared with what the migrations left in public.
    await client.query('BEGIN');
    try {
      await client.query(`CREATE SCHEMA ${SCRATCH}`);
      await client.query(`SET LOCAL search_path = ${SCRATCH}, public`);
      await client.query(EXECUTION_FUNCTIONS[name]);
      const fromFile = await definitions(SCRATCH, name);
      expect(fromFile).toHaveLength(1);
      const migrated = await definitions('public', name);
      expect(migrated).toEqual([fromFile[0].replace(`FUNCTION ${SCRATCH}.`, 'FUNCTION public.')]);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('each file creates the function it is listed under, and only that', () => {
    const created = Object.entries(EXECUTION_FUNCTIONS).map(([name, text]) => [
      name,
      [...text.matchAll(/CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(\w+)/gi)].map((match) => match[1]),
    ]);
    expect(created).toEqual(Object.keys(EXECUTION_FUNCTIONS).map((name) => [name, [name]]));
  });

  it('flowline_admission_decision and admissionDecision agree on every case', async () => {
    const { rows } = await client.query<{ decision: string }>(
      `SELECT flowline_admission_decision(c.snapshot) AS decision FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS c(snapshot, n) ORDER BY n`,
      [JSON.stringify(DECISION_CASES.map(([, snapshot]) => snapshot))],
    );
    const table = DECISION_CASES.map(([name, snapshot, expected], i) => ({
      name,
      expected,
      sql: rows[i].decision,
      ts: admissionDecision(snapshot),
    }));
    expect(table).toEqual(DECISION_CASES.map(([name, , expected]) => ({ name, expected, sql: expected, ts: expected })));
  });

  it('flowline_choose_region and chooseRegion agree on every case', async () => {
    const { rows } = await client.query<{ region: string }>(
      `SELECT flowline_choose_region(c.choice) AS region FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS c(choice, n) ORDER BY n`,
      [JSON.stringify(REGION_CASES.map(([, choice]) => choice))],
    );
    const table = REGION_CASES.map(([name, choice, expected], i) => ({ name, expected, sql: rows[i].region, ts: chooseRegion(choice) }));
    expect(table).toEqual(REGION_CASES.map(([name, , expected]) => ({ name, expected, sql: expected, ts: expected })));
  });

  it("flowline_lock_owner takes the owner's transaction-scoped advisory lock (the key the landed functions used)", async () => {
    const owner = '00000000-0000-4000-8000-000000000001';
    await client.query('BEGIN');
    try {
      await client.query(`SELECT flowline_lock_owner($1)`, [owner]);
      const { rows } = await client.query<{ held: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid()
            AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1::text, 7)) AS held`,
        [owner],
      );
      expect(rows).toEqual([{ held: true }]);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
