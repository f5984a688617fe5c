-- queued | waiting, or the limit that refuses the run, given a usage snapshot and the owner's limits:
-- {active, waiting, today, maxConcurrent, daily, queueWhenBusy, maxWaiting} (null limit = unlimited).
-- FIFO: while runs wait, a queue-when-busy run waits behind them. admissionDecision in admission-rules.ts is
-- the same rule (execution-functions.e2e-spec shows they agree).
CREATE OR REPLACE FUNCTION flowline_admission_decision(snapshot jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN (snapshot->>'daily')::int IS NOT NULL AND (snapshot->>'today')::int >= (snapshot->>'daily')::int THEN 'daily_limit'
    WHEN ((snapshot->>'maxConcurrent')::int IS NULL OR (snapshot->>'active')::int < (snapshot->>'maxConcurrent')::int)
         AND NOT ((snapshot->>'queueWhenBusy')::boolean AND (snapshot->>'waiting')::int > 0) THEN 'queued'
    WHEN NOT (snapshot->>'queueWhenBusy')::boolean THEN 'concurrency_limit'
    WHEN (snapshot->>'waiting')::int >= (snapshot->>'maxWaiting')::int THEN 'waiting_limit'
    ELSE 'waiting'
  END
$$;
