import type { onResponseHookHandler } from 'fastify';
import type { FlowlineMetrics } from '@app/metrics';

/** Request duration by route pattern (not raw path, so ids do not explode the label set). */
export function httpMetrics(metrics: FlowlineMetrics): onResponseHookHandler {
  return (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  };
}
