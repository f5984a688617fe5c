import { MigrationInterface, QueryRunner } from 'typeorm';

export class WorkflowsAndExecutions1764500000000 implements MigrationInterface {
  name = 'WorkflowsAndExecutions1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE workflows (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL,
        description text,
        steps jsonb NOT NULL,
        trigger jsonb NOT NULL DEFAULT '{"type":"manual"}',
        region text,
        active boolean NOT NULL DEFAULT true,
        webhook_token_hash text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_workflows PRIMARY KEY (id),
        CONSTRAINT fk_workflows_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX ix_workflows_owner_created ON workflows (owner_id, created_at)`);

    // No foreign key to workflows: history outlives a deleted workflow.
    await queryRunner.query(`
      CREATE TABLE executions (
        id uuid NOT NULL,
        owner_id uuid NOT NULL,
        workflow_id uuid NOT NULL,
        status text NOT NULL,
        trigger text NOT NULL,
        region text NOT NULL,
        queue text NOT NULL,
        priority integer NOT NULL DEFAULT 0,
        definition jsonb NOT NULL,
        input jsonb,
        output jsonb,
        error text,
        worker_id text,
        deliveries integer NOT NULL DEFAULT 0,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms integer,
        CONSTRAINT pk_executions PRIMARY KEY (id),
        CONSTRAINT fk_executions_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_executions_status CHECK (status IN ('waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
        CONSTRAINT ck_executions_trigger CHECK (trigger IN ('manual', 'webhook', 'schedule'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_executions_owner_created ON executions (owner_id, created_at)`);
    await queryRunner.query(`CREATE INDEX ix_executions_workflow_created ON executions (workflow_id, created_at)`);
    // Admission counts a user's live runs on every request: keep that index small.
    await queryRunner.query(`CREATE INDEX ix_executions_owner_live ON executions (owner_id, status, created_at) WHERE status IN ('waiting', 'queued', 'running')`);

    await queryRunner.query(`
      CREATE TABLE execution_steps (
        execution_id uuid NOT NULL,
        step_id text NOT NULL,
        position integer NOT NULL,
        status text NOT NULL,
        output jsonb,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        started_at timestamptz,
        duration_ms integer,
        CONSTRAINT pk_execution_steps PRIMARY KEY (execution_id, step_id),
        CONSTRAINT fk_execution_steps_execution FOREIGN KEY (execution_id) REFERENCES executions (id) ON DELETE CASCADE,
        CONSTRAINT ck_execution_steps_status CHECK (status IN ('succeeded', 'failed', 'skipped', 'cancelled'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE execution_steps`);
    await queryRunner.query(`DROP TABLE executions`);
    await queryRunner.query(`DROP TABLE workflows`);
  }
}
