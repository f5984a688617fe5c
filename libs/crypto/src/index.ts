export * from './credential-data.validator';
export * from './credential-secrets';
export * from './envelope.cipher';
