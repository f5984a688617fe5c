-- Under the owner lock (the caller holds it): up to p_count of the owner's waiting runs, oldest first, become
-- queued, each taking its place in its region's fair order (flowline_queue_tag) as it is promoted.
CREATE OR REPLACE FUNCTION flowline_promote_waiting(p_owner uuid, p_count int, p_weight int)
RETURNS TABLE (id uuid, region text, priority int, request_id text, created_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  run record;
  v_tag bigint;
BEGIN
  FOR run IN
    SELECT w.id, w.region FROM executions w
     WHERE w.owner_id = p_owner AND w.status = 'waiting'
     ORDER BY w.created_at, w.id LIMIT p_count FOR UPDATE
  LOOP
    v_tag := flowline_queue_tag(p_owner, run.region, p_weight);
    RETURN QUERY
      UPDATE executions x SET status = 'queued', queue_tag = v_tag, priority = flowline_queue_priority(run.region, v_tag)
       WHERE x.id = run.id
      RETURNING x.id, x.region, x.priority, x.request_id, x.created_at;
  END LOOP;
END
$$;
