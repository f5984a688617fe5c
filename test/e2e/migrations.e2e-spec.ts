import { LATEST_SCHEMA_VERSION } from 'bullmq';
import { createTestDatabase, sql } from '../support/database';
import { runCli } from '../support/processes';
import { startStack, TestStack } from '../support/test-api';
import { baseTestEnv } from '../support/test-env';
import { registerUser } from '../support/users';

const REPAIR = 'RepairOneRoundTripAdmission1765000000000';
const FROM_FILES = 'ExecutionFunctionsFromFiles1765100000000';
const ADMISSION_FUNCTIONS = [
  'flowline_admit_execution',
  'flowline_finish_execution',
  'flowline_admission_decision',
  'flowline_live_usage',
  'flowline_record_step',
  'flowline_choose_region',
  'flowline_duration_ms',
  'flowline_lock_owner',
];

/** What a database had before 1765100000000 (whose functions replace 1764900000000's positional ones). */
const BEFORE_FROM_FILES = `
  DROP FUNCTION flowline_admit_execution(jsonb), flowline_finish_execution(jsonb), flowline_admission_decision(jsonb),
    flowline_record_step(jsonb), flowline_choose_region(jsonb), flowline_duration_ms(timestamptz), flowline_lock_owner(uuid);
  DELETE FROM migrations WHERE name = '${FROM_FILES}';
`;

/**
 * What 1764900000000 left at 518e717: no result_awaited, the sql flowline_live_usage and
 * flowline_admit_execution with its first signature (its body does not matter here: only the
 * signature decides whether the landed CREATE FUNCTION would add an overload beside it).
 */
const AT_518E717 = `${BEFORE_FROM_FILES}
  ALTER TABLE executions DROP COLUMN result_awaited;
  DROP FUNCTION flowline_live_usage(uuid);
  CREATE FUNCTION flowline_live_usage(p_owner uuid, OUT active int, OUT waiting int, OUT today int)
  LANGUAGE sql STABLE AS $$
    SELECT (SELECT count(*) FROM executions WHERE owner_id = p_owner AND status IN ('queued', 'running'))::int,
           (SELECT count(*) FROM executions WHERE owner_id = p_owner AND status = 'waiting')::int,
           (SELECT count(*) FROM executions WHERE owner_id = p_owner
               AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::int
  $$;
  CREATE FUNCTION flowline_admit_execution(
    p_id uuid, p_owner uuid, p_workflow uuid, p_trigger text, p_region text, p_queue text, p_priority int,
    p_definition jsonb, p_input jsonb, p_request_id text,
    p_max_concurrent int, p_daily int, p_queue_when_busy boolean, p_max_waiting int, p_audit jsonb,
    OUT decision text, OUT admitted_at timestamptz, OUT usage_active int, OUT usage_waiting int, OUT usage_today int)
  LANGUAGE plpgsql VOLATILE AS $$ BEGIN decision := 'queued'; END $$;
  DELETE FROM migrations WHERE name = '${REPAIR}';
`;

/** The objects 1764900000000 defines, as PostgreSQL describes them; with oids, to tell a re-creation apart. */
async function admissionSchema(url: string, withOids = false) {
  const functions = await sql<{ oid: string; signature: string; definition: string }>(
    url,
    `SELECT oid::text AS oid, oid::regprocedure::text AS signature, pg_get_functiondef(oid) AS definition FROM pg_proc WHERE proname = ANY($1) ORDER BY 2`,
    [ADMISSION_FUNCTIONS],
  );
  const column = await sql(
    url,
    `SELECT data_type, is_nullable, column_default FROM information_schema.columns WHERE table_name = 'executions' AND column_name = 'result_awaited'`,
  );
  return { column, functions: functions.map(({ oid, ...rest }) => (withOids ? { oid, ...rest } : rest)) };
}

describe('migration 1765000000000 repairs a database migrated at an earlier edit of 1764900000000 (built CLI, real PostgreSQL)', () => {
  // Such a database predates 1765100000000 too: it runs after the repair and replaces the repaired positional functions.
  let landed: Awaited<ReturnType<typeof admissionSchema>>;

  beforeAll(async () => {
    const fresh = await createTestDatabase();
    try {
      landed = await admissionSchema(fresh.url);
    } finally {
      await fresh.drop();
    }
  });

  it('brings a database left at 518e717 to the landed state, and a run is admitted', async () => {
    const database = await createTestDatabase();
    let stack: TestStack | undefined;
    try {
      await sql(database.url, AT_518E717);
      expect((await admissionSchema(database.url)).column).toEqual([]);

      expect(await runCli(baseTestEnv({ DATABASE_URL: database.url }), ['migrate'])).toEqual({
        code: 0,
        output: `Applied: ${REPAIR}, ${FROM_FILES}\n`,
      });

      const repaired = await admissionSchema(database.url);
      expect(repaired.column).toEqual([{ data_type: 'boolean', is_nullable: 'NO', column_default: 'false' }]);
      expect(repaired.functions.filter((f) => f.signature.startsWith('flowline_admit_execution(')).map((f) => f.signature)).toEqual([
        'flowline_admit_execution(jsonb)',
      ]);
      expect(repaired).toEqual(landed);

      stack = await startStack({}, { database });
      const http = stack.api.http;
      const user = await registerUser(http, 'repaired');
      const workflow = await http.post(
        '/workflows',
        { name: 'wf', steps: [{ id: 'answer', type: 'transform', params: { expression: '42' } }] },
        { token: user.token },
      );
      expect(workflow.status).toBe(201);
      const accepted = await http.post('/run/async', { workflowId: workflow.body.id }, { token: user.token });
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ status: 'queued', region: 'us-east-1' });
      expect(await sql(database.url, `SELECT status, result_awaited FROM executions WHERE id = $1`, [accepted.body.executionId])).toEqual([
        { status: 'queued', result_awaited: false },
      ]);
    } finally {
      await (stack ? stack.close() : database.drop());
    }
  });

  it('changes nothing on an up-to-date database, even when it runs again', async () => {
    const database = await createTestDatabase();
    const env = baseTestEnv({ DATABASE_URL: database.url });
    try {
      expect(await sql(database.url, `SELECT name FROM migrations WHERE name = $1`, [REPAIR])).toEqual([{ name: REPAIR }]);
      const before = await admissionSchema(database.url, true);
      expect(await runCli(env, ['migrate'])).toEqual({ code: 0, output: 'Database schema is up to date\n' });

      await sql(database.url, `DELETE FROM migrations WHERE name = $1`, [REPAIR]);
      expect(await runCli(env, ['migrate'])).toEqual({ code: 0, output: `Applied: ${REPAIR}\n` });
      // Same oids: nothing was dropped and created again.
      expect(await admissionSchema(database.url, true)).toEqual(before);
    } finally {
      await database.drop();
    }
  });
});

describe("migration 1765300000000 gives single-machine mode its tables (BullMQ's queue schema, window_counters)", () => {
  it("leaves BullMQ's PostgreSQL schema at the version the installed BullMQ needs (a BullMQ upgrade that adds one needs a new migration)", async () => {
    const database = await createTestDatabase();
    try {
      const [{ version }] = await sql<{ version: number }>(database.url, 'SELECT max(version)::int AS version FROM bullmq.migration');
      expect(version).toBe(LATEST_SCHEMA_VERSION);
      // Databases migrated earlier stay at the version their migration applied: when BullMQ's grows, add a
      // migration that runs BullMQ's migrator again and name it here.
      expect({ bullmqSchema: LATEST_SCHEMA_VERSION, appliedBy: '1765300000000' }).toEqual({ bullmqSchema: 11, appliedBy: '1765300000000' });
      const [counters] = await sql<{ persistence: string }>(
        database.url,
        `SELECT relpersistence AS persistence FROM pg_class WHERE relname = 'window_counters'`,
      );
      // Unlogged ('u'): counters worth one window skip the WAL.
      expect(counters).toEqual({ persistence: 'u' });
    } finally {
      await database.drop();
    }
  });
});
