export * from './batch-context';
export * from './flowline-spans';
export * from './job-trace-context';
