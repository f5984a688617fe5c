-- The region of a run, first that applies: {requested, workflowPin, preferred, default}. Whether it is a
-- configured region is the caller's check. chooseRegion in admission-rules.ts is the same rule.
CREATE OR REPLACE FUNCTION flowline_choose_region(choice jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(choice->>'requested', choice->>'workflowPin', choice->>'preferred', choice->>'default')
$$;
