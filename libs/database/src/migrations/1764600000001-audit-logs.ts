import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Append-only audit trail, enforced by PostgreSQL rather than by the
 * application: UPDATE and TRUNCATE always fail; DELETE succeeds only for rows
 * older than the retention window kept in audit_log_settings (the api writes
 * AUDIT_RETENTION_DAYS there at boot; a change is itself audited). If the
 * settings row is missing, the window is 36500 days, i.e. nothing is deleted.
 */
export class AuditLogs1764600000001 implements MigrationInterface {
  name = 'AuditLogs1764600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_logs (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        action text NOT NULL,
        target_type text,
        target_id text,
        outcome text NOT NULL DEFAULT 'success',
        ip text,
        user_agent text,
        request_id text,
        metadata jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT pk_audit_logs PRIMARY KEY (id),
        CONSTRAINT ck_audit_logs_outcome CHECK (outcome IN ('success', 'failure', 'denied'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_audit_logs_at ON audit_logs (at)`);
    await queryRunner.query(`CREATE INDEX ix_audit_logs_actor_at ON audit_logs (actor_id, at)`);
    await queryRunner.query(`CREATE INDEX ix_audit_logs_action_at ON audit_logs (action, at)`);

    await queryRunner.query(`
      CREATE TABLE audit_log_settings (
        id boolean NOT NULL DEFAULT true,
        retention_days integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_audit_log_settings PRIMARY KEY (id),
        CONSTRAINT ck_audit_log_settings_single_row CHECK (id),
        CONSTRAINT ck_audit_log_settings_retention CHECK (retention_days BETWEEN 1 AND 36500)
      )`);
    await queryRunner.query(`INSERT INTO audit_log_settings (id, retention_days) VALUES (true, 365)`);

    await queryRunner.query(`
      CREATE FUNCTION audit_logs_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        window_days integer;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          RAISE EXCEPTION 'audit_logs is append-only: rows cannot be updated' USING ERRCODE = 'insufficient_privilege';
        ELSIF TG_OP = 'TRUNCATE' THEN
          RAISE EXCEPTION 'audit_logs is append-only: it cannot be truncated' USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT retention_days INTO window_days FROM audit_log_settings WHERE id;
        window_days := COALESCE(window_days, 36500);
        IF OLD.at > now() - make_interval(days => window_days) THEN
          RAISE EXCEPTION 'audit_logs: rows younger than the retention window (% days) cannot be deleted', window_days USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
      END
      $$`);
    await queryRunner.query(`CREATE TRIGGER tr_audit_logs_no_update BEFORE UPDATE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_guard()`);
    await queryRunner.query(`CREATE TRIGGER tr_audit_logs_retention BEFORE DELETE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_guard()`);
    await queryRunner.query(`CREATE TRIGGER tr_audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_guard()`);

    // Shortening the window is how rows would become deletable, so every change of it lands in the trail.
    await queryRunner.query(`
      CREATE FUNCTION audit_log_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.retention_days IS DISTINCT FROM OLD.retention_days THEN
          INSERT INTO audit_logs (action, target_type, metadata)
          VALUES ('audit.retention_change', 'audit_log_settings', jsonb_build_object('from', OLD.retention_days, 'to', NEW.retention_days));
        END IF;
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(`CREATE TRIGGER tr_audit_log_settings_changed AFTER UPDATE ON audit_log_settings FOR EACH ROW EXECUTE FUNCTION audit_log_settings_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_log_settings`);
    await queryRunner.query(`DROP FUNCTION audit_log_settings_changed()`);
    await queryRunner.query(`DROP TABLE audit_logs`);
    await queryRunner.query(`DROP FUNCTION audit_logs_guard()`);
  }
}
