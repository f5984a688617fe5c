import { InitialSchema1764400000000 } from './1764400000000-initial-schema';
import { WorkflowsAndExecutions1764500000000 } from './1764500000000-workflows-and-executions';
import { Credentials1764600000000 } from './1764600000000-credentials';
import { AuditLogs1764600000001 } from './1764600000001-audit-logs';
import { Billing1764700000000 } from './1764700000000-billing';
import { AnalyticsCoveringIndexes1764800000000 } from './1764800000000-analytics-covering-indexes';
import { OneRoundTripAdmission1764900000000 } from './1764900000000-one-round-trip-admission';
import { RepairOneRoundTripAdmission1765000000000 } from './1765000000000-repair-one-round-trip-admission';
import { ExecutionFunctionsFromFiles1765100000000 } from './1765100000000-execution-functions-from-files';
import { AdmissionInBatches1765200000000 } from './1765200000000-admission-in-batches';
import { QueueStoreInPostgres1765300000000 } from './1765300000000-queue-store-in-postgres';
import { FairShareQueueOrder1765400000000 } from './1765400000000-fair-share-queue-order';
import { RunRejectionTallies1765500000000 } from './1765500000000-run-rejection-tallies';

/** Listed explicitly: the apps are bundled, so a file glob would find nothing. */
export const MIGRATIONS = [
  InitialSchema1764400000000,
  WorkflowsAndExecutions1764500000000,
  Credentials1764600000000,
  AuditLogs1764600000001,
  Billing1764700000000,
  AnalyticsCoveringIndexes1764800000000,
  OneRoundTripAdmission1764900000000,
  RepairOneRoundTripAdmission1765000000000,
  ExecutionFunctionsFromFiles1765100000000,
  AdmissionInBatches1765200000000,
  QueueStoreInPostgres1765300000000,
  FairShareQueueOrder1765400000000,
  RunRejectionTallies1765500000000,
];
