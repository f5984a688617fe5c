import { startTracing } from '@app/tracing-sdk';

// Imported first by main.ts: the instrumentations must be in place before the modules they patch are loaded.
startTracing('flowline-worker');
