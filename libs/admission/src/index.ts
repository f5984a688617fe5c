export * from './admission.module';
export * from './admission.types';
export * from './rejection-tallies';
export * from './run-admission.service';
export * from './waiting-runs.promoter';
export * from './worker-presence.service';
