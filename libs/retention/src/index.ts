export * from './execution-retention.task';
export * from './retention-purger';
export * from './retention.types';
