export * from './logger-options';
export * from './log-destination';
