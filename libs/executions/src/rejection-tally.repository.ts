import { Injectable } from '@nestjs/common';
import { namedStatement, SqlPool } from '@app/database';

/** Rejections of one owner and code in one minute, counted by one process. */
export interface RejectionTally {
  ownerId: string;
  code: string;
  /** The minute's start. */
  minute: Date;
  count: number;
}

const ADD = namedStatement(
  'add_rejection_tallies',
  `INSERT INTO run_rejection_tallies AS t (owner_id, code, minute, count)
   SELECT r.owner_id, r.code, r.minute, r.count FROM jsonb_to_recordset($1::jsonb) AS r(owner_id uuid, code text, minute timestamptz, count int)
   ON CONFLICT (owner_id, code, minute) DO UPDATE SET count = t.count + EXCLUDED.count`,
);
// One statement, one transaction: a minute's tallies leave the table as its audit rows arrive. A minute is
// moved once no process can still be adding to it: processes add every few seconds, so `$1` seconds after it ended.
const MOVE_TO_AUDIT = namedStatement(
  'move_rejection_tallies_to_audit',
  `WITH done AS (
     DELETE FROM run_rejection_tallies WHERE minute + interval '1 minute' + make_interval(secs => $1) < now()
     RETURNING owner_id, code, minute, count
   )
   INSERT INTO audit_logs (at, actor_id, action, target_type, target_id, outcome, metadata)
   SELECT minute, owner_id, 'run.rejected', 'user', owner_id::text, 'failure',
          jsonb_build_object('code', code, 'count', count, 'minute', minute)
     FROM done ORDER BY done.minute, done.owner_id, done.code
   RETURNING id`,
);

/** The counts behind the aggregated `run.rejected` audit rows. */
@Injectable()
export class RejectionTallyRepository {
  constructor(private readonly sql: SqlPool) {}

  async add(tallies: readonly RejectionTally[]): Promise<void> {
    if (tallies.length === 0) return;
    await this.sql.rows(ADD, [
      JSON.stringify(tallies.map((t) => ({ owner_id: t.ownerId, code: t.code, minute: t.minute.toISOString(), count: t.count }))),
    ]);
  }

  /** Writes one audit row per owner, code and finished minute; returns how many. */
  async moveToAudit(settleSeconds: number): Promise<number> {
    return (await this.sql.rows(MOVE_TO_AUDIT, [settleSeconds])).length;
  }
}
