import { destination, DestinationStream } from 'pino';

/**
 * stdout, written asynchronously: a request never waits for its log line to
 * be written, and lines logged while a write is under way leave together.
 * pino writes out what is left when the process exits.
 */
export function logDestination(): DestinationStream {
  return destination({ dest: 1, sync: false });
}
