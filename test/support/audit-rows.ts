/** A row of audit_logs as `SELECT *` returns it. */
export interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  metadata: Record<string, unknown>;
}
