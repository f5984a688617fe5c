-- An owner's usage, derived from the executions themselves (no counter to drift): active = queued + running
-- (the runs holding a slot), waiting, and today = runs accepted since the last UTC midnight, any status.
-- plpgsql, not sql: its statements' plans are kept for the session (an sql function called from plpgsql is
-- planned again on every call). STABLE: it reads with the snapshot of the statement that calls it.
CREATE OR REPLACE FUNCTION flowline_live_usage(p_owner uuid, OUT active int, OUT waiting int, OUT today int)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  SELECT count(*) FILTER (WHERE e.status IN ('queued', 'running')), count(*) FILTER (WHERE e.status = 'waiting')
    INTO active, waiting
    FROM executions e WHERE e.owner_id = p_owner AND e.status IN ('waiting', 'queued', 'running');
  SELECT count(*) INTO today FROM executions e
   WHERE e.owner_id = p_owner AND e.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
END
$$;
