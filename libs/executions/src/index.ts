export * from './admission-rules';
export * from './execution-admission.repository';
export * from './execution-analytics.repository';
export * from './execution-maintenance.repository';
export * from './execution-read.repository';
export * from './execution-run.repository';
export * from './executions.module';
export * from './queue-wait.repository';
