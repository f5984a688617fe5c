-- One step's record, keyed by execution and step (a redelivered job never duplicates one), written only while
-- the caller is the latest claimant: {executionId, delivery, stepId, position, status, output, error, attempts,
-- startedAt, durationMs}. Used by the worker for each step and by flowline_finish_execution for the last one.
CREATE OR REPLACE FUNCTION flowline_record_step(step jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO execution_steps (execution_id, step_id, position, status, output, error, attempts, started_at, duration_ms)
  SELECT s."executionId", s."stepId", s.position, s.status, step->'output', s.error, s.attempts, s."startedAt", s."durationMs"
    FROM jsonb_to_record(step) AS s("executionId" uuid, delivery int, "stepId" text, position int, status text, error text,
                                    attempts int, "startedAt" timestamptz, "durationMs" int)
   WHERE EXISTS (SELECT 1 FROM executions x WHERE x.id = s."executionId" AND x.deliveries = s.delivery)
  ON CONFLICT (execution_id, step_id) DO UPDATE
    SET position = EXCLUDED.position, status = EXCLUDED.status, output = EXCLUDED.output, error = EXCLUDED.error,
        attempts = EXCLUDED.attempts, started_at = EXCLUDED.started_at, duration_ms = EXCLUDED.duration_ms;
END
$$;
