import type { CustomLimits, ExecutionEntity, ExecutionTrigger, Tier } from '@app/database';
import type { AdmissionAuditRow } from '@app/executions';

export interface AdmissionOwner {
  id: string;
  tier: Tier;
  customLimits: CustomLimits | null;
  preferredRegion: string | null;
}

export type WhenBusy = 'reject' | 'queue';

export interface AdmissionRequest {
  /** Chosen by the caller so that it can name the run in the audit row. */
  executionId?: string;
  owner: AdmissionOwner;
  /** One of the owner's workflows; its definition and state are read in the admitting statement. */
  workflowId: string;
  trigger: ExecutionTrigger;
  input: unknown;
  region?: string | null;
  whenBusy?: WhenBusy;
  requestId?: string;
  /** A POST /run request waits for the end: the worker then announces it (see ExecutionWaiter). */
  resultAwaited?: boolean;
  audit?: AdmissionAuditRow;
}

export interface Admitted {
  execution: ExecutionEntity;
  warnings: string[];
}
