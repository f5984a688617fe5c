import type { SubscriptionStatus } from '@app/database';
import { isTierName, TierName } from '@app/tier-policy';

/** The part of a verified Stripe event this service reads (payloads differ between API versions). */
export interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  data: { object: unknown };
}

export interface StripePrices {
  pro: string | null;
  enterprise: string | null;
}

/** Who the event is about, by every handle it carries. */
export interface PlanReference {
  userId: string | null;
  customerId: string | null;
  subscriptionId: string | null;
}

/** What a verified event asks for; `null` fields keep what is stored. */
export interface BillingIntent {
  ref: PlanReference;
  tier: TierName | null;
  status: SubscriptionStatus | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean | null;
  /** True when the event starts (or confirms) a paid subscription, so it may replace a different stored one. */
  startsSubscription: boolean;
  /** True for invoice.payment_failed: it only marks a paid plan past due. */
  paymentFailed: boolean;
}

export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.payment_failed',
] as const;

type Json = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : null;
}

/** An expandable Stripe field is an id or the object itself. */
function idOf(value: unknown): string | null {
  return text(value) ?? text(object(value).id);
}

function userIdOf(...candidates: unknown[]): string | null {
  for (const candidate of candidates) {
    const value = text(candidate);
    if (value && UUID.test(value)) return value.toLowerCase();
  }
  return null;
}

function epochSeconds(value: unknown): Date | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? new Date(value * 1000) : null;
}

function items(subscription: Json): Json[] {
  const data = object(subscription.items).data;
  return Array.isArray(data) ? data.map(object) : [];
}

/** The highest tier among the subscription's item prices; null when no item has a configured price. */
export function tierOfPrices(priceIds: readonly string[], prices: StripePrices): TierName | null {
  if (prices.enterprise && priceIds.includes(prices.enterprise)) return 'enterprise';
  if (prices.pro && priceIds.includes(prices.pro)) return 'pro';
  return null;
}

function subscriptionIntent(subscription: Json, deleted: boolean, prices: StripePrices): BillingIntent {
  const subscriptionItems = items(subscription);
  const priceTier = tierOfPrices(
    subscriptionItems.map((item) => idOf(item.price)).filter((id): id is string => id !== null),
    prices,
  );
  // Since API version 2025-03-31 the period lives on the items; older versions keep it on the subscription.
  const periodEnd = epochSeconds(subscription.current_period_end) ?? epochSeconds(subscriptionItems[0]?.current_period_end);
  const status = deleted ? 'canceled' : text(subscription.status);
  const base = {
    ref: {
      userId: userIdOf(object(subscription.metadata).userId),
      customerId: idOf(subscription.customer),
      subscriptionId: idOf(subscription.id),
    },
    currentPeriodEnd: periodEnd,
    cancelAtPeriodEnd: typeof subscription.cancel_at_period_end === 'boolean' ? subscription.cancel_at_period_end : null,
    paymentFailed: false,
  };
  switch (status) {
    case 'active':
    case 'trialing':
      return { ...base, tier: priceTier, status: 'active', startsSubscription: priceTier !== null };
    case 'past_due':
      // The tier stays what was paid for until the period ends; a past-due subscription never raises it.
      return { ...base, tier: null, status: 'past_due', startsSubscription: false };
    case 'unpaid':
    case 'paused':
      return { ...base, tier: 'free', status: 'past_due', startsSubscription: false };
    case 'canceled':
    case 'incomplete_expired':
      return { ...base, tier: 'free', status: 'canceled', startsSubscription: false };
    default:
      // incomplete: nothing is paid yet; only remember the ids.
      return { ...base, tier: null, status: null, startsSubscription: false };
  }
}

function checkoutIntent(session: Json): BillingIntent | null {
  if (session.mode !== 'subscription') return null;
  const metadata = object(session.metadata);
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  // The session's line items are not in the event; metadata.tier was set by this server for the price the customer paid.
  const tier = paid && isTierName(metadata.tier) && metadata.tier !== 'free' ? metadata.tier : null;
  return {
    ref: {
      userId: userIdOf(session.client_reference_id, metadata.userId),
      customerId: idOf(session.customer),
      subscriptionId: idOf(session.subscription),
    },
    tier,
    status: tier ? 'active' : null,
    currentPeriodEnd: null,
    cancelAtPeriodEnd: null,
    startsSubscription: tier !== null,
    paymentFailed: false,
  };
}

function paymentFailedIntent(invoice: Json): BillingIntent {
  // Since API version 2025-03-31 the subscription is under parent.subscription_details.
  const details = object(object(invoice.parent).subscription_details);
  const legacyDetails = object(invoice.subscription_details);
  const lines = object(invoice.lines).data;
  const firstLine = Array.isArray(lines) ? object(lines[0]) : {};
  return {
    ref: {
      userId: userIdOf(object(details.metadata).userId, object(legacyDetails.metadata).userId),
      customerId: idOf(invoice.customer),
      subscriptionId: idOf(details.subscription) ?? idOf(invoice.subscription),
    },
    tier: null,
    status: 'past_due',
    currentPeriodEnd: epochSeconds(object(firstLine.period).end),
    cancelAtPeriodEnd: null,
    startsSubscription: false,
    paymentFailed: true,
  };
}

/** Reads a verified event into what it asks of the user's plan; null for events this service does not act on. */
export function interpretStripeEvent(event: StripeEventLike, prices: StripePrices): BillingIntent | null {
  const payload = object(event.data?.object);
  switch (event.type) {
    case 'checkout.session.completed':
      return checkoutIntent(payload);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
      return subscriptionIntent(payload, false, prices);
    case 'customer.subscription.deleted':
      return subscriptionIntent(payload, true, prices);
    case 'invoice.payment_failed':
      return paymentFailedIntent(payload);
    default:
      return null;
  }
}
