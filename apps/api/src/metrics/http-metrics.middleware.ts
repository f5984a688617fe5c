import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { FlowlineMetrics } from '@app/metrics';

/** Request duration by route pattern (not raw path, so ids do not explode the label set). */
export function httpMetrics(metrics: FlowlineMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
