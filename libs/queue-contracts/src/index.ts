export * from './events';
export * from './jobs';
export * from './queues';
export * from './region-queues';
export * from './maintenance';
