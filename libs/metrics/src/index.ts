export * from './flowline-metrics';
export * from './metrics.module';
