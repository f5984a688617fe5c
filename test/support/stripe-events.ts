import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { HttpClient, HttpResult } from './http-client';

/** Obviously fake values: nothing here is a key of any Stripe account. */
export const STRIPE_TEST = {
  secretKey: 'sk_test_only',
  webhookSecret: 'whsec_test_only',
  pricePro: 'price_pro_test_only',
  priceEnterprise: 'price_enterprise_test_only',
};

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const eventId = () => `evt_test_${randomBytes(8).toString('hex')}`;

export interface StripeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  data: { object: Record<string, unknown> };
}

export function stripeEvent(type: string, object: Record<string, unknown>, created = nowSeconds()): StripeEvent {
  return { id: eventId(), object: 'event', type, created, data: { object } };
}

export interface SubscriptionFields {
  subscription: string;
  customer: string;
  price: string;
  status?: string;
  userId?: string;
  periodEnd?: number;
  cancelAtPeriodEnd?: boolean;
}

/** A subscription as the current Stripe API sends it (the period on the item). */
export function subscriptionObject(fields: SubscriptionFields): Record<string, unknown> {
  return {
    id: fields.subscription,
    object: 'subscription',
    customer: fields.customer,
    status: fields.status ?? 'active',
    cancel_at_period_end: fields.cancelAtPeriodEnd ?? false,
    metadata: fields.userId ? { userId: fields.userId } : {},
    items: {
      object: 'list',
      data: [
        {
          id: `si_${fields.subscription}`,
          object: 'subscription_item',
          price: { id: fields.price, object: 'price' },
          current_period_end: fields.periodEnd ?? nowSeconds() + 30 * 86400,
        },
      ],
    },
  };
}

export interface SendOptions {
  secret?: string;
  /** Seconds since the epoch of the signature. */
  timestamp?: number;
  /** Sent instead of the signed payload (to tamper with it). */
  body?: string;
  signature?: string | null;
}

/** Posts an event to /billing/webhook signed with the stripe package's own test-header helper. */
export function sendStripeEvent(
  http: HttpClient,
  event: StripeEvent | Record<string, unknown>,
  options: SendOptions = {},
): Promise<HttpResult> {
  const payload = JSON.stringify(event);
  const signature =
    options.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? STRIPE_TEST.webhookSecret,
          timestamp: options.timestamp,
        })
      : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['stripe-signature'] = signature;
  return http.post('/billing/webhook', undefined, { raw: options.body ?? payload, headers });
}
