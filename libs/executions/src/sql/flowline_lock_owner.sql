-- The per-owner admission lock: every path that creates, promotes or finishes a run, or changes what limits
-- an owner has, takes it first (transaction-scoped). The one definition of its key.
CREATE OR REPLACE FUNCTION flowline_lock_owner(owner_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(owner_id::text, 7));
END
$$;
