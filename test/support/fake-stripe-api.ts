import { createServer, IncomingMessage, Server } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server';

export interface StripeApiCall {
  method: string;
  path: string;
  /** The form fields as sent (Stripe's bracket notation, e.g. `line_items[0][price]`). */
  form: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** What the double answered. */
  response?: Record<string, unknown>;
}

type Answer = { status?: number; body: Record<string, unknown> };
type Route = (call: StripeApiCall, match: RegExpMatchArray) => Answer;

/**
 * Plays the few Stripe API endpoints Flowline calls, over plain HTTP, and
 * records every request; the api's Stripe client is pointed here with
 * STRIPE_API_HOST / STRIPE_API_PORT / STRIPE_API_PROTOCOL=http.
 */
export class FakeStripeApi {
  readonly calls: StripeApiCall[] = [];
  /** Subscriptions the fake knows: id → price of its one item. */
  readonly subscriptions = new Map<string, { price: string; customer: string; periodEnd: number }>();
  private server?: Server;
  private counter = 0;
  port = 0;

  private readonly routes: [string, RegExp, Route][] = [
    [
      'POST',
      /^\/v1\/customers$/,
      (call) => ({ body: { id: `cus_test_${++this.counter}`, object: 'customer', email: call.form.email ?? null, metadata: {} } }),
    ],
    [
      'POST',
      /^\/v1\/checkout\/sessions$/,
      () => {
        const id = `cs_test_${++this.counter}`;
        return { body: { id, object: 'checkout.session', mode: 'subscription', url: `https://checkout.stripe.test/c/pay/${id}` } };
      },
    ],
    ['GET', /^\/v1\/subscriptions\/([\w-]+)$/, (_call, match) => this.subscriptionBody(match[1], {})],
    ['POST', /^\/v1\/subscriptions\/([\w-]+)$/, (call, match) => this.subscriptionBody(match[1], call.form)],
  ];

  callsTo(method: string, path: string): StripeApiCall[] {
    return this.calls.filter((call) => call.method === method && call.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://stripe.test');
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
        const call: StripeApiCall = { method: req.method ?? 'GET', path: url.pathname, form, headers: req.headers };
        this.calls.push(call);
        const route = this.routes.find(([method, pattern]) => method === call.method && pattern.test(call.path));
        const answer: Answer = route
          ? route[2](call, call.path.match(route[1]) as RegExpMatchArray)
          : { status: 404, body: { error: { type: 'invalid_request_error', message: `No such route ${call.method} ${call.path}` } } };
        call.response = answer.body;
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'request-id': `req_test_${this.counter}` });
        res.end(JSON.stringify(answer.body));
      });
    });
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private subscriptionBody(id: string, form: Record<string, string>): Answer {
    const known = this.subscriptions.get(id);
    if (!known) return { status: 404, body: { error: { type: 'invalid_request_error', message: `No such subscription: '${id}'` } } };
    return {
      body: {
        id,
        object: 'subscription',
        customer: known.customer,
        status: 'active',
        cancel_at_period_end: form.cancel_at_period_end === 'true',
        items: {
          object: 'list',
          data: [{ id: `si_${id}`, object: 'subscription_item', price: { id: known.price }, current_period_end: known.periodEnd }],
        },
      },
    };
  }
}
