import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The run hot path in one round trip each way (see bench/): admission
 * (workflow, region, limits, the execution row, its audit row) and the worker's finish (last
 * step, final state, whether the owner has runs waiting for the freed slot).
 *
 * Both take the per-owner advisory lock that every admission path takes
 * (hashtextextended(owner, 7), as lockOwner in libs/admission). They are
 * VOLATILE plpgsql: each statement takes a fresh snapshot, so counts read
 * after the lock see the runs the previous lock holder committed. The
 * admission's audit row gets the run's region and status in its metadata.
 */
export class OneRoundTripAdmission1764900000000 implements MigrationInterface {
  name = 'OneRoundTripAdmission1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Workers announce the end of a run on Redis only when a POST /run request waits for it.
    await queryRunner.query(`ALTER TABLE executions ADD COLUMN result_awaited boolean NOT NULL DEFAULT false`);
    // plpgsql, not sql: its statements' plans are kept for the session (an sql function called from plpgsql
    // is planned again on every call, which made a rejection cost PostgreSQL about 0.8 ms). STABLE: it reads
    // with the snapshot of the statement that calls it.
    await queryRunner.query(`
      CREATE FUNCTION flowline_live_usage(p_owner uuid, OUT active int, OUT waiting int, OUT today int)
      LANGUAGE plpgsql STABLE AS $$
      BEGIN
        SELECT count(*) FILTER (WHERE e.status IN ('queued', 'running')), count(*) FILTER (WHERE e.status = 'waiting')
          INTO active, waiting
          FROM executions e WHERE e.owner_id = p_owner AND e.status IN ('waiting', 'queued', 'running');
        SELECT count(*) INTO today FROM executions e
         WHERE e.owner_id = p_owner AND e.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
      END
      $$`);

    // queued | waiting, or the limit that refuses the run. FIFO: while runs wait, a queue-when-busy run waits behind them.
    await queryRunner.query(`
      CREATE FUNCTION flowline_admission_decision(active int, waiting int, today int, max_concurrent int, daily int, queue_when_busy boolean, max_waiting int)
      RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN daily IS NOT NULL AND today >= daily THEN 'daily_limit'
          WHEN (max_concurrent IS NULL OR active < max_concurrent) AND NOT (queue_when_busy AND waiting > 0) THEN 'queued'
          WHEN NOT queue_when_busy THEN 'concurrency_limit'
          WHEN waiting >= max_waiting THEN 'waiting_limit'
          ELSE 'waiting'
        END
      $$`);

    // The caller's workflow (its current definition and state), the region, the limits, the row and its
    // audit row. Regions and their queues come from the settings, as parallel arrays.
    await queryRunner.query(`
      CREATE FUNCTION flowline_admit_execution(
        p_id uuid, p_owner uuid, p_workflow uuid, p_trigger text,
        p_requested_region text, p_preferred_region text, p_default_region text, p_regions text[], p_queues text[],
        p_priority int, p_input jsonb, p_request_id text, p_result_awaited boolean,
        p_max_concurrent int, p_daily int, p_queue_when_busy boolean, p_max_waiting int, p_audit jsonb,
        OUT decision text, OUT admitted_region text, OUT admitted_queue text, OUT admitted_at timestamptz,
        OUT usage_active int, OUT usage_waiting int, OUT usage_today int)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        flow record;
        usage record;
      BEGIN
        SELECT w.active, w.region, w.steps INTO flow FROM workflows w WHERE w.id = p_workflow AND w.owner_id = p_owner;
        IF NOT FOUND THEN
          decision := 'workflow_not_found';
          RETURN;
        END IF;
        IF NOT flow.active THEN
          decision := 'workflow_inactive';
          RETURN;
        END IF;
        -- First that applies: the request's region, the workflow's pin, the owner's preference, the default.
        admitted_region := COALESCE(p_requested_region, flow.region, p_preferred_region, p_default_region);
        admitted_queue := p_queues[array_position(p_regions, admitted_region)];
        IF admitted_queue IS NULL THEN
          decision := 'unknown_region';
          RETURN;
        END IF;
        decision := 'queued';
        IF p_max_concurrent IS NOT NULL OR p_daily IS NOT NULL THEN
          -- A snapshot already over a limit can only mean a rejection: answered without queueing for the lock.
          usage := flowline_live_usage(p_owner);
          decision := flowline_admission_decision(usage.active, usage.waiting, usage.today, p_max_concurrent, p_daily, p_queue_when_busy, p_max_waiting);
          IF decision IN ('queued', 'waiting') THEN
            PERFORM pg_advisory_xact_lock(hashtextextended(p_owner::text, 7));
            usage := flowline_live_usage(p_owner);
            decision := flowline_admission_decision(usage.active, usage.waiting, usage.today, p_max_concurrent, p_daily, p_queue_when_busy, p_max_waiting);
          END IF;
          usage_active := usage.active;
          usage_waiting := usage.waiting;
          usage_today := usage.today;
          IF decision NOT IN ('queued', 'waiting') THEN
            RETURN;
          END IF;
        END IF;
        INSERT INTO executions (id, owner_id, workflow_id, status, trigger, region, queue, priority, definition, input, request_id, result_awaited)
        VALUES (p_id, p_owner, p_workflow, decision, p_trigger, admitted_region, admitted_queue, p_priority, flow.steps, p_input, p_request_id, p_result_awaited)
        RETURNING executions.created_at INTO admitted_at;
        IF p_audit IS NOT NULL THEN
          INSERT INTO audit_logs (actor_id, action, target_type, target_id, outcome, ip, user_agent, request_id, metadata)
          VALUES ((p_audit->>'actorId')::uuid, p_audit->>'action', p_audit->>'targetType', p_audit->>'targetId', 'success',
                  p_audit->>'ip', p_audit->>'userAgent', p_audit->>'requestId',
                  COALESCE(p_audit->'metadata', '{}'::jsonb) || jsonb_build_object('region', admitted_region, 'status', decision));
        END IF;
      END
      $$`);

    // The last step (when given; recorded for a cancelled run too) and the final state, fenced by the delivery
    // counter; then, under the owner lock, whether runs wait: one made to wait while this one still counted as
    // active is seen here.
    await queryRunner.query(`
      CREATE FUNCTION flowline_finish_execution(
        p_id uuid, p_delivery int, p_status text, p_output jsonb, p_error text, p_last_step jsonb,
        OUT finished_owner uuid, OUT finished_region text, OUT finished_duration_ms int, OUT owner_tier text, OUT owner_has_waiting boolean)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        owner uuid;
      BEGIN
        SELECT x.owner_id INTO owner FROM executions x WHERE x.id = p_id;
        IF owner IS NULL THEN
          RETURN;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtextextended(owner::text, 7));
        IF p_last_step IS NOT NULL THEN
          INSERT INTO execution_steps (execution_id, step_id, position, status, output, error, attempts, started_at, duration_ms)
          SELECT p_id, s.step_id, s.position, s.status, s.output, s.error, s.attempts, s.started_at, s.duration_ms
            FROM jsonb_to_record(p_last_step) AS s(step_id text, position int, status text, output jsonb, error text, attempts int, started_at timestamptz, duration_ms int)
           WHERE EXISTS (SELECT 1 FROM executions x WHERE x.id = p_id AND x.deliveries = p_delivery)
          ON CONFLICT (execution_id, step_id) DO UPDATE
            SET position = EXCLUDED.position, status = EXCLUDED.status, output = EXCLUDED.output, error = EXCLUDED.error,
                attempts = EXCLUDED.attempts, started_at = EXCLUDED.started_at, duration_ms = EXCLUDED.duration_ms;
        END IF;
        UPDATE executions x
           SET status = p_status, output = p_output, error = p_error, finished_at = now(),
               duration_ms = (extract(epoch FROM now() - x.started_at) * 1000)::int
         WHERE x.id = p_id AND x.status = 'running' AND x.deliveries = p_delivery
        RETURNING x.owner_id, x.region, x.duration_ms INTO finished_owner, finished_region, finished_duration_ms;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        SELECT u.tier INTO owner_tier FROM users u WHERE u.id = finished_owner;
        owner_has_waiting := EXISTS (SELECT 1 FROM executions w WHERE w.owner_id = finished_owner AND w.status = 'waiting');
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION flowline_finish_execution(uuid, int, text, jsonb, text, jsonb)`);
    await queryRunner.query(`DROP FUNCTION flowline_admit_execution(uuid, uuid, uuid, text, text, text, text, text[], text[], int, jsonb, text, boolean, int, int, boolean, int, jsonb)`);
    await queryRunner.query(`DROP FUNCTION flowline_admission_decision(int, int, int, int, int, boolean, int)`);
    await queryRunner.query(`DROP FUNCTION flowline_live_usage(uuid)`);
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN result_awaited`);
  }
}
