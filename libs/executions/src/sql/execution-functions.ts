import admitExecution from './flowline_admit_execution.sql';
import admissionDecision from './flowline_admission_decision.sql';
import chooseRegion from './flowline_choose_region.sql';
import durationMs from './flowline_duration_ms.sql';
import finishExecution from './flowline_finish_execution.sql';
import liveUsage from './flowline_live_usage.sql';
import lockOwner from './flowline_lock_owner.sql';
import promoteWaiting from './flowline_promote_waiting.sql';
import queuePriority from './flowline_queue_priority.sql';
import queueTag from './flowline_queue_tag.sql';
import recordStep from './flowline_record_step.sql';

/**
 * The run lifecycle's database functions, each the text of its `.sql` file (one CREATE OR REPLACE FUNCTION),
 * helpers before their callers. Migrations import the files they apply themselves (a migration applies a fixed
 * set); this list is what the definition test (test/e2e/execution-functions.e2e-spec.ts) holds the database to.
 */
export const EXECUTION_FUNCTIONS: Readonly<Record<string, string>> = {
  flowline_lock_owner: lockOwner,
  flowline_duration_ms: durationMs,
  flowline_choose_region: chooseRegion,
  flowline_admission_decision: admissionDecision,
  flowline_live_usage: liveUsage,
  flowline_record_step: recordStep,
  flowline_queue_tag: queueTag,
  flowline_queue_priority: queuePriority,
  flowline_promote_waiting: promoteWaiting,
  flowline_admit_execution: admitExecution,
  flowline_finish_execution: finishExecution,
};
