import { randomBytes } from 'node:crypto';
import { adminPatchUser } from '../support/admin';
import { sql } from '../support/database';
import { FakeStripeApi } from '../support/fake-stripe-api';
import { HttpClient } from '../support/http-client';
import { eventually } from '../support/polling';
import { nowSeconds, sendStripeEvent, STRIPE_TEST, stripeEvent, subscriptionObject } from '../support/stripe-events';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';

const SUCCESS_URL = 'https://app.flowline.test/billing/done?session={CHECKOUT_SESSION_ID}';
const CANCEL_URL = 'https://app.flowline.test/billing/plans';
const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1 + 1' } }];

describe('billing with Stripe (a local double plays the Stripe API; webhooks signed by the stripe package)', () => {
  let stripeApi: FakeStripeApi;
  let stack: TestStack;
  let http: HttpClient;

  const ids = () => {
    const suffix = randomBytes(6).toString('hex');
    return { customer: `cus_test_${suffix}`, subscription: `sub_test_${suffix}` };
  };
  const subscriptionOf = async (user: TestUser) => (await http.get('/billing/subscription', { token: user.token })).body;
  const changesOf = (userId: string) =>
    sql<{ actor_type: string; from_tier: string; to_tier: string; to_status: string; provider_event_id: string | null }>(
      stack.database.url,
      'SELECT actor_type, from_tier, to_tier, to_status, provider_event_id FROM subscription_changes WHERE user_id = $1 ORDER BY created_at',
      [userId],
    );
  /** A user whose Stripe subscription is live on `price`, as after a completed checkout. */
  const subscribedUser = async (price: string, prefix: string) => {
    const user = await registerUser(http, prefix);
    const handles = ids();
    const event = stripeEvent('customer.subscription.created', subscriptionObject({ ...handles, price, userId: user.id }));
    expect((await sendStripeEvent(http, event)).body.outcome).toBe('applied');
    stripeApi.subscriptions.set(handles.subscription, { price, customer: handles.customer, periodEnd: nowSeconds() + 30 * 86400 });
    return { user, ...handles };
  };

  beforeAll(async () => {
    stripeApi = await new FakeStripeApi().start();
    stack = await startStack({
      BILLING_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: STRIPE_TEST.secretKey,
      STRIPE_WEBHOOK_SECRET: STRIPE_TEST.webhookSecret,
      STRIPE_PRICE_PRO: STRIPE_TEST.pricePro,
      STRIPE_PRICE_ENTERPRISE: STRIPE_TEST.priceEnterprise,
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(stripeApi.port),
      STRIPE_API_PROTOCOL: 'http',
      BILLING_SUCCESS_URL: SUCCESS_URL,
      BILLING_CANCEL_URL: CANCEL_URL,
      BILLING_PAST_DUE_SWEEP_MS: '300',
    });
    http = stack.api.http;
  });
  afterAll(async () => {
    await stack?.close();
    await stripeApi?.stop();
  });

  it('upgrade answers a Checkout URL; the session carries the price, customer, user id and return URLs; the tier does not change', async () => {
    const user = await registerUser(http, 'checkout');
    const response = await http.post('/billing/upgrade?tier=pro', undefined, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ checkoutUrl: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_\d+$/) });

    const [customerCall] = stripeApi.callsTo('POST', '/v1/customers').filter((call) => call.form['metadata[userId]'] === user.id);
    expect(customerCall.form.email).toBe(user.email);
    expect(customerCall.headers.authorization).toBe(`Bearer ${STRIPE_TEST.secretKey}`);
    const sessions = stripeApi.callsTo('POST', '/v1/checkout/sessions').filter((call) => call.form.client_reference_id === user.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].form).toMatchObject({
      mode: 'subscription',
      customer: expect.stringMatching(/^cus_test_\d+$/),
      client_reference_id: user.id,
      'line_items[0][price]': STRIPE_TEST.pricePro,
      'line_items[0][quantity]': '1',
      'metadata[userId]': user.id,
      'subscription_data[metadata][userId]': user.id,
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
    });
    expect(response.body.checkoutUrl).toBe(sessions[0].response?.url);
    expect(await subscriptionOf(user)).toMatchObject({ tier: 'free', provider: 'stripe' });

    // A second attempt reuses the customer linked the first time.
    const again = await http.post('/billing/upgrade?tier=enterprise', undefined, { token: user.token });
    expect(again.body.checkoutUrl).toBeDefined();
    expect(stripeApi.callsTo('POST', '/v1/customers').filter((call) => call.form['metadata[userId]'] === user.id)).toHaveLength(1);
    const second = stripeApi.callsTo('POST', '/v1/checkout/sessions').filter((call) => call.form.client_reference_id === user.id)[1];
    expect(second.form).toMatchObject({ customer: sessions[0].form.customer, 'line_items[0][price]': STRIPE_TEST.priceEnterprise });
    expect((await http.get('/users/me', { token: user.token })).body.tier).toBe('free');
  });

  it('POST /billing/upgrade?tier=enterprise never changes the tier by itself, with or without a subscription', async () => {
    const fresh = await registerUser(http, 'no-self-raise');
    expect((await http.post('/billing/upgrade?tier=enterprise', undefined, { token: fresh.token })).body.checkoutUrl).toBeDefined();
    expect((await subscriptionOf(fresh)).tier).toBe('free');

    const { user, subscription } = await subscribedUser(STRIPE_TEST.pricePro, 'switcher');
    const response = await http.post('/billing/upgrade?tier=enterprise', undefined, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tier: 'pro', changed: false, pendingTier: 'enterprise' });
    const [update] = stripeApi.callsTo('POST', `/v1/subscriptions/${subscription}`);
    expect(update.form).toMatchObject({
      'items[0][id]': `si_${subscription}`,
      'items[0][price]': STRIPE_TEST.priceEnterprise,
      payment_behavior: 'pending_if_incomplete',
    });
    expect((await subscriptionOf(user)).tier).toBe('pro');
    expect(await sql(stack.database.url, `SELECT 1 FROM users WHERE id = $1 AND tier = 'enterprise'`, [user.id])).toEqual([]);
  });

  it('a signed customer.subscription.updated to pro changes the tier; the same event again changes nothing', async () => {
    const user = await registerUser(http, 'webhook');
    const handles = ids();
    const periodEnd = nowSeconds() + 30 * 86400;
    const event = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({ ...handles, price: STRIPE_TEST.pricePro, userId: user.id, periodEnd }),
    );

    const first = await sendStripeEvent(http, event);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, outcome: 'applied' });
    expect(await subscriptionOf(user)).toMatchObject({
      tier: 'pro',
      status: 'active',
      provider: 'stripe',
      currentPeriodEnd: new Date(periodEnd * 1000).toISOString(),
      limits: { maxWorkflows: 50 },
    });
    expect(await changesOf(user.id)).toEqual([
      { actor_type: 'provider', from_tier: 'free', to_tier: 'pro', to_status: 'active', provider_event_id: event.id },
    ]);

    const replay = await sendStripeEvent(http, event);
    expect(replay.status).toBe(200);
    expect(replay.body.outcome).toBe('duplicate');
    expect(await changesOf(user.id)).toHaveLength(1);
  });

  it('the same event sent 10 times in parallel is applied once', async () => {
    const user = await registerUser(http, 'parallel');
    const event = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({ ...ids(), price: STRIPE_TEST.priceEnterprise, userId: user.id }),
    );
    const responses = await Promise.all(Array.from({ length: 10 }, () => sendStripeEvent(http, event)));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(responses.map((response) => response.body.outcome).sort()).toEqual(['applied', ...Array(9).fill('duplicate')]);
    expect(await changesOf(user.id)).toHaveLength(1);
    expect(await sql(stack.database.url, 'SELECT outcome FROM billing_events WHERE event_id = $1', [event.id])).toEqual([
      { outcome: 'applied' },
    ]);
    expect((await subscriptionOf(user)).tier).toBe('enterprise');
  });

  it('a wrong secret, a changed body, a 10-minute-old timestamp or no signature: 400 and nothing changes', async () => {
    const user = await registerUser(http, 'forged');
    const event = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({ ...ids(), price: STRIPE_TEST.priceEnterprise, userId: user.id }),
    );
    const tampered = JSON.stringify({
      ...event,
      data: { object: { ...event.data.object, metadata: { userId: user.id, note: 'changed' } } },
    });
    const attempts = {
      wrongSecret: await sendStripeEvent(http, event, { secret: 'whsec_test_only_but_wrong' }),
      changedBody: await sendStripeEvent(http, event, { body: tampered }),
      stale: await sendStripeEvent(http, event, { timestamp: nowSeconds() - 600 }),
      missing: await sendStripeEvent(http, event, { signature: null }),
      garbage: await sendStripeEvent(http, event, { signature: 't=1,v1=deadbeef' }),
    };
    for (const [name, response] of Object.entries(attempts)) {
      expect({ name, status: response.status, code: response.body.code }).toEqual({ name, status: 400, code: 'INVALID_SIGNATURE' });
    }
    expect(attempts.stale.body.message).toMatch(/300 s/);
    expect(await sql(stack.database.url, 'SELECT 1 FROM billing_events WHERE event_id = $1', [event.id])).toEqual([]);
    expect(await changesOf(user.id)).toEqual([]);
    expect((await subscriptionOf(user)).tier).toBe('free');
    const notAnEvent = await sendStripeEvent(http, { hello: 'signed, but not an event' });
    expect(notAnEvent.status).toBe(400);
    expect(notAnEvent.body.code).toBe('INVALID_EVENT');
    // The genuine event still applies afterwards: the failures recorded nothing.
    expect((await sendStripeEvent(http, event)).body.outcome).toBe('applied');
  });

  it('customer.subscription.deleted returns the user to free and deactivates workflows over the free limit', async () => {
    const { user, customer, subscription } = await subscribedUser(STRIPE_TEST.pricePro, 'deleted');
    for (let i = 0; i < 6; i++)
      expect((await http.post('/workflows', { name: `d${i}`, steps: QUICK }, { token: user.token })).status).toBe(201);
    const deleted = stripeEvent(
      'customer.subscription.deleted',
      subscriptionObject({ subscription, customer, price: STRIPE_TEST.pricePro, userId: user.id, status: 'canceled' }),
      nowSeconds() + 1,
    );
    expect((await sendStripeEvent(http, deleted)).body.outcome).toBe('applied');
    expect(await subscriptionOf(user)).toMatchObject({ tier: 'free', status: 'canceled', limits: { maxWorkflows: 5 } });
    const list = (await http.get('/workflows?limit=100', { token: user.token })).body.items as { name: string; active: boolean }[];
    expect(list.filter((workflow) => !workflow.active).map((workflow) => workflow.name)).toEqual(['d5']);
    const [row] = await sql<{ deactivated_workflows: { name: string }[] }>(
      stack.database.url,
      'SELECT deactivated_workflows FROM subscription_changes WHERE provider_event_id = $1',
      [deleted.id],
    );
    expect(row.deactivated_workflows.map((workflow) => workflow.name)).toEqual(['d5']);
  });

  it('an event older than the last one applied does not roll the subscription back', async () => {
    const user = await registerUser(http, 'ordering');
    const handles = ids();
    const now = nowSeconds();
    const newer = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({ ...handles, price: STRIPE_TEST.priceEnterprise, userId: user.id }),
      now,
    );
    const older = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({ ...handles, price: STRIPE_TEST.pricePro, userId: user.id }),
      now - 60,
    );
    expect((await sendStripeEvent(http, newer)).body.outcome).toBe('applied');
    expect((await sendStripeEvent(http, older)).body.outcome).toBe('stale');
    expect((await subscriptionOf(user)).tier).toBe('enterprise');
    const olderDelete = stripeEvent(
      'customer.subscription.deleted',
      subscriptionObject({ ...handles, price: STRIPE_TEST.priceEnterprise, userId: user.id, status: 'canceled' }),
      now - 30,
    );
    expect((await sendStripeEvent(http, olderDelete)).body.outcome).toBe('stale');
    expect(await subscriptionOf(user)).toMatchObject({ tier: 'enterprise', status: 'active' });
  });

  it('a paid checkout.session.completed applies its tier and links the customer; later events without metadata find the user by customer id', async () => {
    const user = await registerUser(http, 'by-customer');
    const handles = ids();
    const session = {
      id: 'cs_test_done',
      object: 'checkout.session',
      mode: 'subscription',
      payment_status: 'paid',
      client_reference_id: user.id,
      customer: handles.customer,
      subscription: handles.subscription,
      metadata: { userId: user.id, tier: 'pro' },
    };
    const completed = stripeEvent('checkout.session.completed', session);
    expect((await sendStripeEvent(http, completed)).body.outcome).toBe('applied');
    expect((await subscriptionOf(user)).tier).toBe('pro');

    const anonymous = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({ ...handles, price: STRIPE_TEST.priceEnterprise }),
      nowSeconds() + 1,
    );
    expect((await sendStripeEvent(http, anonymous)).body.outcome).toBe('applied');
    expect((await subscriptionOf(user)).tier).toBe('enterprise');

    const stranger = stripeEvent('customer.subscription.updated', subscriptionObject({ ...ids(), price: STRIPE_TEST.priceEnterprise }));
    expect((await sendStripeEvent(http, stranger)).body).toEqual({ received: true, outcome: 'ignored' });
  });

  it('invoice.payment_failed: past_due with the tier kept; when the paid period ends the user returns to free', async () => {
    const user = await registerUser(http, 'past-due');
    const handles = ids();
    const periodEnd = nowSeconds() + 8;
    const active = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({ ...handles, price: STRIPE_TEST.pricePro, userId: user.id, periodEnd }),
    );
    expect((await sendStripeEvent(http, active)).body.outcome).toBe('applied');

    const invoice = {
      id: 'in_test_failed',
      object: 'invoice',
      customer: handles.customer,
      parent: { type: 'subscription_details', subscription_details: { subscription: handles.subscription, metadata: { userId: user.id } } },
    };
    const failed = stripeEvent('invoice.payment_failed', invoice);
    expect((await sendStripeEvent(http, failed)).body.outcome).toBe('applied');
    expect(await subscriptionOf(user)).toMatchObject({ tier: 'pro', status: 'past_due', limits: { maxConcurrentJobs: 10 } });

    const ended = await eventually(
      () => subscriptionOf(user),
      (view) => view.tier === 'free',
      30000,
      250,
    );
    expect(ended).toMatchObject({ tier: 'free', status: 'canceled' });
    expect((await changesOf(user.id)).map((row) => [row.actor_type, row.to_tier, row.to_status])).toEqual([
      ['provider', 'pro', 'active'],
      ['provider', 'pro', 'past_due'],
      ['system', 'free', 'canceled'],
    ]);
  });

  it('going to free under Stripe cancels the subscription at the period end; the tier stays until Stripe ends it', async () => {
    const { user, customer, subscription } = await subscribedUser(STRIPE_TEST.pricePro, 'canceller');
    const response = await http.post('/billing/upgrade?tier=free', undefined, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tier: 'pro', changed: false, pendingTier: 'free', cancelAtPeriodEnd: true });
    const [cancel] = stripeApi.callsTo('POST', `/v1/subscriptions/${subscription}`);
    expect(cancel.form).toEqual({ cancel_at_period_end: 'true' });
    expect((await subscriptionOf(user)).tier).toBe('pro');

    const end = stripeEvent(
      'customer.subscription.deleted',
      subscriptionObject({ subscription, customer, price: STRIPE_TEST.pricePro, userId: user.id, status: 'canceled' }),
      nowSeconds() + 1,
    );
    expect((await sendStripeEvent(http, end)).body.outcome).toBe('applied');
    expect(await subscriptionOf(user)).toMatchObject({ tier: 'free', status: 'canceled' });
  });

  it('an admin can raise a tier without payment (PATCH /admin/users/:id), recorded as an admin change', async () => {
    const user = await registerUser(http, 'granted');
    await adminPatchUser(http, user.id, { tier: 'enterprise' });
    expect((await subscriptionOf(user)).tier).toBe('enterprise');
    expect((await changesOf(user.id)).map((row) => [row.actor_type, row.from_tier, row.to_tier])).toEqual([
      ['admin', 'free', 'enterprise'],
    ]);
    // Without a Stripe subscription, going down costs nothing and applies at once.
    const lower = await http.post('/billing/upgrade?tier=pro', undefined, { token: user.token });
    expect(lower.body).toMatchObject({ tier: 'pro', changed: true, previousTier: 'enterprise' });
  });
});
