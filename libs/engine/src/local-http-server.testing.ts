import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LocalHttpServer {
  /** `http://<host>:<port>` with IPv6 hosts bracketed. */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted, whether or not a request followed. */
  connections(): number;
  close(): Promise<void>;
}

export type TestHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

async function listen(server: Server, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A real HTTP server for specs; `::` listens dual-stack, so it also sees 127.0.0.1 and ::ffff:127.0.0.1. */
export async function startLocalServer(handler: TestHandler, host = '127.0.0.1'): Promise<LocalHttpServer> {
  const requests: RecordedRequest[] = [];
  let connections = 0;
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const recorded = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, response)).catch(() => response.destroy());
    });
  });
  server.on('connection', () => connections++);
  await listen(server, host);
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? (host === '::' ? '[::1]' : `[${host}]`) : host;
  return {
    origin: `http://${shownHost}:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A server that would record any connection that slips through the address guard. */
export async function startCanary(): Promise<LocalHttpServer> {
  const reply: TestHandler = (_request, response) => void response.end('canary reached');
  try {
    return await startLocalServer(reply, '::');
  } catch {
    return startLocalServer(reply, '127.0.0.1');
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
