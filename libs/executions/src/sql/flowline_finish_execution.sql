-- The worker's finish in one round trip: {id, delivery, status, output, error, lastStep} where lastStep (when
-- not null; recorded for a cancelled run too) is a flowline_record_step argument. The final state is written
-- only for the latest claimant (the delivery fencing token); then, under the owner lock, whether runs wait:
-- one made to wait while this one still counted as active is seen here.
CREATE OR REPLACE FUNCTION flowline_finish_execution(finish jsonb,
  OUT finished_owner uuid, OUT finished_region text, OUT finished_duration_ms int, OUT owner_tier text, OUT owner_has_waiting boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_id uuid := (finish->>'id')::uuid;
  v_owner uuid;
BEGIN
  SELECT x.owner_id INTO v_owner FROM executions x WHERE x.id = v_id;
  IF v_owner IS NULL THEN
    RETURN;
  END IF;
  PERFORM flowline_lock_owner(v_owner);
  IF jsonb_typeof(finish->'lastStep') = 'object' THEN
    PERFORM flowline_record_step(finish->'lastStep');
  END IF;
  UPDATE executions x
     SET status = finish->>'status', output = finish->'output', error = finish->>'error', finished_at = now(),
         duration_ms = flowline_duration_ms(x.started_at)
   WHERE x.id = v_id AND x.status = 'running' AND x.deliveries = (finish->>'delivery')::int
  RETURNING x.owner_id, x.region, x.duration_ms INTO finished_owner, finished_region, finished_duration_ms;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT u.tier INTO owner_tier FROM users u WHERE u.id = finished_owner;
  owner_has_waiting := EXISTS (SELECT 1 FROM executions w WHERE w.owner_id = finished_owner AND w.status = 'waiting');
END
$$;
