import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AppConfig } from '@app/config';
import { SECURITY_HEADERS } from '@app/http-security';
import { FlowlineMetrics, metricsAuthorized } from '@app/metrics';
import { RegionProcessor } from './region.processor';

/**
 * The worker's only HTTP surface, for container probes and Prometheus:
 * GET /health and GET /metrics. Not a public API: no other route exists.
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerHttp');
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly host: RegionProcessor,
    private readonly metrics: FlowlineMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.server = createServer((req, res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/health') {
        const ok = this.host.isRunning();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'starting', queue: this.host.queueName, workerId: this.host.workerId }));
        return;
      }
      if (req.method === 'GET' && path === '/metrics') {
        if (!metricsAuthorized(this.config.metricsToken, req.headers.authorization)) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"statusCode":401,"error":"Unauthorized","message":"A valid metrics token is required","code":"UNAUTHORIZED"}');
          return;
        }
        void this.metrics.render().then((body) => {
          res.writeHead(200, { 'content-type': this.metrics.contentType });
          res.end(body);
        });
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"statusCode":404,"error":"Not Found","message":"Not found","code":"NOT_FOUND"}');
    });
    await new Promise<void>((resolve) => this.server?.listen(this.config.worker.httpPort, resolve));
    this.logger.log(`Worker health on port ${this.config.worker.httpPort}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
