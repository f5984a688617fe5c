import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { shutdownTracing } from './start-tracing';

/** On shutdown, the spans the batch processor still holds are exported before the process exits. */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return shutdownTracing();
  }
}
