-- Fair share in a region queue (weighted fair queuing in virtual time). A queued run's tag is its place in
-- the region's order: the owner's newest queued run's tag plus the owner's stride, or, when the owner has
-- nothing queued there, the region's head (its smallest queued tag) plus the stride. The stride is 16 / weight
-- (weights 1 / 2 / 4 by tier: 16, 8, 4), so while owners have runs queued, each gets starts in proportion to
-- its weight, and one that joins a backlog starts within one round of it however long that backlog is.
-- An owner's tags grow with its acceptance order: callers hold the owner lock (flowline_lock_owner).
-- With nothing queued in the region the tags start again from its base (flowline_queue_priority).
CREATE OR REPLACE FUNCTION flowline_queue_tag(p_owner uuid, p_region text, p_weight int) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_stride bigint := greatest(1, round(16.0 / greatest(p_weight, 1)));
  v_from bigint;
BEGIN
  SELECT e.queue_tag INTO v_from FROM executions e
   WHERE e.owner_id = p_owner AND e.region = p_region AND e.status = 'queued' AND e.queue_tag IS NOT NULL
   ORDER BY e.queue_tag DESC LIMIT 1;
  IF v_from IS NULL THEN
    SELECT e.queue_tag INTO v_from FROM executions e
     WHERE e.region = p_region AND e.status = 'queued' AND e.queue_tag IS NOT NULL
     ORDER BY e.queue_tag LIMIT 1;
  END IF;
  IF v_from IS NULL THEN
    SELECT f.base INTO v_from FROM queue_fair_share f WHERE f.region = p_region;
  END IF;
  RETURN COALESCE(v_from, 0) + v_stride;
END
$$;
