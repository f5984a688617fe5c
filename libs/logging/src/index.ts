export * from './deep-redact';
export * from './logger-options';
export * from './log-destination';
