import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP server that workflow steps call; it records every request it gets. */
export class TargetServer {
  readonly hits: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  connections = 0;
  private readonly routes = new Map<string, Handler>();
  private server?: Server;
  port = 0;

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  json(path: string, status: number, body: unknown): this {
    return this.route(path, (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  }

  hitsOf(path: string): number {
    return this.hits.filter((hit) => hit.url.split('?')[0] === path).length;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.hits.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
      const handler = this.routes.get((req.url ?? '/').split('?')[0]);
      if (handler) return handler(req, res);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"no such route"}');
    });
    this.server.on('connection', () => this.connections++);
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
