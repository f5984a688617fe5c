-- The BullMQ priority of a queued run's tag (flowline_queue_tag): its distance from the region's base, from 1
-- to BullMQ's limit (2^21 - 1). Lower starts first; equal priorities start in the order their jobs were added.
-- The base moves up when the region's head nears the limit (FairShareRebase re-prioritises the waiting jobs);
-- a tag beyond the limit waits at the limit, in acceptance order, until then.
CREATE OR REPLACE FUNCTION flowline_queue_priority(p_region text, p_tag bigint) RETURNS int
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_base bigint;
BEGIN
  SELECT f.base INTO v_base FROM queue_fair_share f WHERE f.region = p_region;
  RETURN least(greatest(p_tag - COALESCE(v_base, 0), 1), 2097151)::int;
END
$$;
