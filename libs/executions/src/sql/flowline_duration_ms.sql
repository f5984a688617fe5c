-- Milliseconds from a run's start until now (the statement's clock); null when it never started.
CREATE OR REPLACE FUNCTION flowline_duration_ms(started_at timestamptz) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT (extract(epoch FROM now() - started_at) * 1000)::int
$$;
