export * from './effective-limits';
export * from './tiers';
