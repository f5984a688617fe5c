export * from './app-error';
export * from './limit-errors';
export * from './region-errors';
