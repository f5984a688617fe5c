import type { EntityManager } from 'typeorm';
import type { CustomLimits, ExecutionEntity, ExecutionTrigger, Tier, WorkflowEntity } from '@app/database';

export interface AdmissionOwner {
  id: string;
  tier: Tier;
  customLimits: CustomLimits | null;
  preferredRegion: string | null;
}

export type WhenBusy = 'reject' | 'queue';

export interface AdmissionRequest {
  owner: AdmissionOwner;
  workflow: WorkflowEntity;
  trigger: ExecutionTrigger;
  input: unknown;
  region?: string | null;
  whenBusy?: WhenBusy;
  requestId?: string;
  /** Runs inside the admission transaction, after the execution row is written (e.g. the audit row). */
  onAdmitted?: (manager: EntityManager, execution: ExecutionEntity) => Promise<void>;
}

export interface Admitted {
  execution: ExecutionEntity;
  warnings: string[];
}

/** At most this many runs of one user wait for a slot. */
export const MAX_WAITING_RUNS = 100;
