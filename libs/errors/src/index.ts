export * from './app-error';
export * from './error-codes';
export * from './limit-errors';
export * from './region-errors';
