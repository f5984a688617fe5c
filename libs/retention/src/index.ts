export * from './audit-log-retention.task';
export * from './execution-retention.task';
export * from './owner-retention';
export * from './retention-purger';
export * from './retention.types';
