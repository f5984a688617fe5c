export * from './flowline-metrics';
export * from './metrics.module';
export * from './cluster-metrics';
