-- Admission in one round trip: the caller's workflow (its current definition and state), the region, the
-- limits, the execution row and its audit row. The argument is an AdmitArgument (execution-admission.repository.ts):
-- {id, ownerId, workflowId, trigger, queueWeight, input, requestId, resultAwaited,
--  region: {requested, preferred, default}, queues: {<region>: <queue>},
--  limits: {maxConcurrent, daily, queueWhenBusy, maxWaiting}, audit: {...} | null}.
-- VOLATILE plpgsql: each statement takes a fresh snapshot, so counts read after the owner lock see the runs the
-- previous lock holder committed. The audit row's metadata gains the run's region and status.
-- Called once per argument of a batch in one transaction (ExecutionAdmissionRepository's group commit): the
-- run's created_at is clock_timestamp(), not the transaction's now(), so runs admitted together keep their order.
-- A queued run takes its place in the region's fair order under the owner lock (flowline_queue_tag); a waiting
-- one takes it when it is promoted (flowline_promote_waiting). admitted_priority is its job's BullMQ priority.
CREATE OR REPLACE FUNCTION flowline_admit_execution(admission jsonb,
  OUT decision text, OUT admitted_region text, OUT admitted_queue text, OUT admitted_at timestamptz,
  OUT usage_active int, OUT usage_waiting int, OUT usage_today int, OUT admitted_priority int)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_owner uuid := (admission->>'ownerId')::uuid;
  v_limits jsonb := admission->'limits';
  v_audit jsonb := admission->'audit';
  flow record;
  usage record;
  v_tag bigint;
BEGIN
  SELECT w.active, w.region, w.steps INTO flow FROM workflows w
   WHERE w.id = (admission->>'workflowId')::uuid AND w.owner_id = v_owner;
  IF NOT FOUND THEN
    decision := 'workflow_not_found';
    RETURN;
  END IF;
  IF NOT flow.active THEN
    decision := 'workflow_inactive';
    RETURN;
  END IF;
  admitted_region := flowline_choose_region(admission->'region' || jsonb_build_object('workflowPin', flow.region));
  admitted_queue := admission->'queues'->>admitted_region;
  IF admitted_queue IS NULL THEN
    decision := 'unknown_region';
    RETURN;
  END IF;
  decision := 'queued';
  IF v_limits->>'maxConcurrent' IS NOT NULL OR v_limits->>'daily' IS NOT NULL THEN
    -- A snapshot already over a limit can only mean a rejection: answered without queueing for the lock.
    usage := flowline_live_usage(v_owner);
    decision := flowline_admission_decision(v_limits || to_jsonb(usage));
    IF decision IN ('queued', 'waiting') THEN
      PERFORM flowline_lock_owner(v_owner);
      usage := flowline_live_usage(v_owner);
      decision := flowline_admission_decision(v_limits || to_jsonb(usage));
    END IF;
    usage_active := usage.active;
    usage_waiting := usage.waiting;
    usage_today := usage.today;
    IF decision NOT IN ('queued', 'waiting') THEN
      RETURN;
    END IF;
  END IF;
  admitted_priority := 0;
  IF decision = 'queued' THEN
    PERFORM flowline_lock_owner(v_owner);
    v_tag := flowline_queue_tag(v_owner, admitted_region, (admission->>'queueWeight')::int);
    admitted_priority := flowline_queue_priority(admitted_region, v_tag);
  END IF;
  INSERT INTO executions (id, owner_id, workflow_id, status, trigger, region, queue, priority, queue_tag, definition, input,
                          request_id, result_awaited, created_at)
  VALUES ((admission->>'id')::uuid, v_owner, (admission->>'workflowId')::uuid, decision, admission->>'trigger', admitted_region,
          admitted_queue, admitted_priority, v_tag, flow.steps, admission->'input', admission->>'requestId',
          (admission->>'resultAwaited')::boolean, clock_timestamp())
  RETURNING executions.created_at INTO admitted_at;
  IF jsonb_typeof(v_audit) = 'object' THEN
    INSERT INTO audit_logs (actor_id, action, target_type, target_id, outcome, ip, user_agent, request_id, metadata)
    VALUES ((v_audit->>'actorId')::uuid, v_audit->>'action', v_audit->>'targetType', v_audit->>'targetId', 'success',
            v_audit->>'ip', v_audit->>'userAgent', v_audit->>'requestId',
            COALESCE(v_audit->'metadata', '{}'::jsonb) || jsonb_build_object('region', admitted_region, 'status', decision));
  END IF;
END
$$;
