export * from './start-tracing';
export * from './tracing-shutdown.service';
