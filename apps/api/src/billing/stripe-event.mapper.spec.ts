import { interpretStripeEvent, StripeEventLike, tierOfPrices } from './stripe-event.mapper';

const PRICES = { pro: 'price_pro_test', enterprise: 'price_ent_test' };
const USER = '3f0c1c52-8a1e-4c59-9a53-0e4a5d2f7b10';
const PERIOD_END = 1_900_000_000;

function event(type: string, object: Record<string, unknown>): StripeEventLike {
  return { id: 'evt_test_1', type, created: 1_800_000_000, data: { object } };
}

function subscription(status: string, price: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'sub_test_1',
    object: 'subscription',
    customer: 'cus_test_1',
    status,
    metadata: { userId: USER },
    cancel_at_period_end: false,
    items: { object: 'list', data: [{ id: 'si_test_1', price: { id: price }, current_period_end: PERIOD_END }] },
    ...extra,
  };
}

describe('interpretStripeEvent', () => {
  it('reads an active subscription: tier from the item price, user from metadata, period end from the item', () => {
    expect(interpretStripeEvent(event('customer.subscription.updated', subscription('active', 'price_ent_test')), PRICES)).toEqual({
      ref: { userId: USER, customerId: 'cus_test_1', subscriptionId: 'sub_test_1' },
      tier: 'enterprise',
      status: 'active',
      currentPeriodEnd: new Date(PERIOD_END * 1000),
      cancelAtPeriodEnd: false,
      startsSubscription: true,
      paymentFailed: false,
    });
  });

  it('keeps the tier of a past-due subscription and drops it for unpaid, canceled or deleted ones', () => {
    expect(interpretStripeEvent(event('customer.subscription.updated', subscription('past_due', 'price_pro_test')), PRICES)).toMatchObject({
      tier: null,
      status: 'past_due',
      startsSubscription: false,
    });
    expect(interpretStripeEvent(event('customer.subscription.updated', subscription('unpaid', 'price_pro_test')), PRICES)).toMatchObject({
      tier: 'free',
      status: 'past_due',
    });
    expect(interpretStripeEvent(event('customer.subscription.updated', subscription('canceled', 'price_pro_test')), PRICES)).toMatchObject({
      tier: 'free',
      status: 'canceled',
    });
    expect(interpretStripeEvent(event('customer.subscription.deleted', subscription('active', 'price_pro_test')), PRICES)).toMatchObject({
      tier: 'free',
      status: 'canceled',
    });
  });

  it('changes nothing but ids for an incomplete subscription, and no tier for an unknown price', () => {
    expect(
      interpretStripeEvent(event('customer.subscription.created', subscription('incomplete', 'price_pro_test')), PRICES),
    ).toMatchObject({ tier: null, status: null });
    expect(
      interpretStripeEvent(event('customer.subscription.updated', subscription('active', 'price_someone_else')), PRICES),
    ).toMatchObject({ tier: null, status: 'active', startsSubscription: false });
  });

  it('reads the period from the subscription itself on older API versions, and a customer given as an object', () => {
    const legacy = subscription('active', 'price_pro_test', {
      current_period_end: 1_850_000_000,
      customer: { id: 'cus_obj', object: 'customer' },
    });
    expect(interpretStripeEvent(event('customer.subscription.updated', legacy), PRICES)).toMatchObject({
      currentPeriodEnd: new Date(1_850_000_000_000),
      ref: { customerId: 'cus_obj' },
    });
  });

  it('ignores a metadata user id that is not a uuid', () => {
    const forged = subscription('active', 'price_pro_test', { metadata: { userId: "1' OR '1'='1" } });
    expect(interpretStripeEvent(event('customer.subscription.updated', forged), PRICES)?.ref.userId).toBeNull();
  });

  it('applies a paid checkout with the tier this server put in its metadata; an unpaid one only links ids', () => {
    const session = {
      id: 'cs_test_1',
      object: 'checkout.session',
      mode: 'subscription',
      client_reference_id: USER,
      customer: 'cus_test_1',
      subscription: 'sub_test_1',
      metadata: { userId: USER, tier: 'pro' },
    };
    expect(interpretStripeEvent(event('checkout.session.completed', { ...session, payment_status: 'paid' }), PRICES)).toMatchObject({
      ref: { userId: USER, customerId: 'cus_test_1', subscriptionId: 'sub_test_1' },
      tier: 'pro',
      status: 'active',
    });
    expect(interpretStripeEvent(event('checkout.session.completed', { ...session, payment_status: 'unpaid' }), PRICES)).toMatchObject({
      tier: null,
      status: null,
    });
    expect(
      interpretStripeEvent(event('checkout.session.completed', { ...session, mode: 'payment', payment_status: 'paid' }), PRICES),
    ).toBeNull();
  });

  it('marks a failed invoice past due without touching the tier (new and old invoice shapes)', () => {
    const current = {
      id: 'in_1',
      customer: 'cus_test_1',
      parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_test_1', metadata: { userId: USER } } },
    };
    expect(interpretStripeEvent(event('invoice.payment_failed', current), PRICES)).toMatchObject({
      ref: { userId: USER, customerId: 'cus_test_1', subscriptionId: 'sub_test_1' },
      tier: null,
      status: 'past_due',
      paymentFailed: true,
    });
    expect(
      interpretStripeEvent(event('invoice.payment_failed', { id: 'in_2', customer: 'cus_test_1', subscription: 'sub_old' }), PRICES)?.ref,
    ).toEqual({ userId: null, customerId: 'cus_test_1', subscriptionId: 'sub_old' });
  });

  it('does not act on other event types', () => {
    expect(interpretStripeEvent(event('charge.succeeded', { id: 'ch_1' }), PRICES)).toBeNull();
  });
});

describe('tierOfPrices', () => {
  it('takes the highest configured tier and nothing for unknown prices', () => {
    expect(tierOfPrices(['price_pro_test', 'price_ent_test'], PRICES)).toBe('enterprise');
    expect(tierOfPrices(['price_pro_test'], PRICES)).toBe('pro');
    expect(tierOfPrices(['price_other'], PRICES)).toBeNull();
    expect(tierOfPrices(['price_pro_test'], { pro: null, enterprise: null })).toBeNull();
  });
});
