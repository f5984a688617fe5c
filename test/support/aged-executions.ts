import { randomUUID } from 'node:crypto';
import { sql } from './database';

export interface AgedExecution {
  ownerId: string;
  workflowId: string;
  status: 'waiting' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** Created this many days before now (fractions allowed)... */
  ageDays?: number;
  /** ...or at 00:01 UTC this many calendar days before today (for per-day analytics). */
  dayOffset?: number;
  durationMs?: number | null;
  /** Step rows to attach (they go with the execution by ON DELETE CASCADE). */
  steps?: number;
}

/** Inserts back-dated executions as an operator would with psql; answers their ids in order. */
export async function insertExecutions(databaseUrl: string, rows: AgedExecution[]): Promise<string[]> {
  const ids = rows.map(() => randomUUID());
  await sql(
    databaseUrl,
    `INSERT INTO executions (id, owner_id, workflow_id, status, trigger, region, queue, definition, created_at, started_at, finished_at, duration_ms)
     SELECT r.id, r.owner_id, r.workflow_id, r.status, 'manual', 'us-east-1', 'us-east-1-default', '[]'::jsonb, c.at,
            CASE WHEN r.duration_ms IS NULL THEN NULL ELSE c.at END,
            CASE WHEN r.status IN ('succeeded', 'failed', 'cancelled') THEN c.at + make_interval(secs => coalesce(r.duration_ms, 0) / 1000.0) END,
            r.duration_ms
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::float8[], $6::int[], $7::int[]) AS r(id, owner_id, workflow_id, status, age_days, day_offset, duration_ms)
       CROSS JOIN LATERAL (
         SELECT CASE WHEN r.day_offset IS NULL THEN now() - make_interval(secs => r.age_days * 86400)
                     ELSE (date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => r.day_offset) + interval '1 minute') AT TIME ZONE 'UTC' END AS at
       ) c`,
    [
      ids,
      rows.map((r) => r.ownerId),
      rows.map((r) => r.workflowId),
      rows.map((r) => r.status),
      rows.map((r) => r.ageDays ?? null),
      rows.map((r) => r.dayOffset ?? null),
      rows.map((r) => r.durationMs ?? null),
    ],
  );
  const steps = rows.flatMap((row, index) => Array.from({ length: row.steps ?? 0 }, (_, position) => ({ id: ids[index], position })));
  if (steps.length > 0) {
    await sql(
      databaseUrl,
      `INSERT INTO execution_steps (execution_id, step_id, position, status, attempts)
       SELECT s.execution_id, 'step-' || s.position, s.position, 'succeeded', 1 FROM unnest($1::uuid[], $2::int[]) AS s(execution_id, position)`,
      [steps.map((s) => s.id), steps.map((s) => s.position)],
    );
  }
  return ids;
}

export async function existingIds(databaseUrl: string, ids: string[]): Promise<string[]> {
  const rows = await sql<{ id: string }>(databaseUrl, `SELECT id FROM executions WHERE id = ANY($1::uuid[])`, [ids]);
  const present = new Set(rows.map((row) => row.id));
  return ids.filter((id) => present.has(id));
}
