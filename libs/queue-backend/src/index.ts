export * from './event-bus';
export * from './open-queue-connections';
export * from './queue-backend.module';
export * from './queue-connections';
export * from './window-counters';
