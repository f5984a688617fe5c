export * from './audit-log-retention.task';
export * from './execution-retention.task';
export * from './retention-purger';
export * from './retention.types';
