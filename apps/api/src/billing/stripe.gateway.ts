import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { AppConfig } from '@app/config';
import type { TierName } from '@app/tier-policy';
import { InvalidEventError, InvalidSignatureError, PaymentProviderError, WebhookNotConfiguredError } from './billing.errors';
import type { StripeEventLike } from './stripe-event.mapper';

/** Stripe's own default; named here because the contract promises it. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface CheckoutRequest {
  userId: string;
  customerId: string;
  tier: Exclude<TierName, 'free'>;
}

/** Every call this service makes to Stripe, through the official client (STRIPE_API_* may point it at a test double). */
@Injectable()
export class StripeGateway {
  private readonly logger = new Logger(StripeGateway.name);
  private readonly client: Stripe | null;

  constructor(private readonly config: AppConfig) {
    const billing = config.billing;
    this.client = billing.stripeSecretKey
      ? new Stripe(billing.stripeSecretKey, {
          maxNetworkRetries: 2,
          timeout: 20000,
          telemetry: false,
          appInfo: { name: 'Flowline' },
          ...(billing.apiHost ? { host: billing.apiHost } : {}),
          ...(billing.apiPort ? { port: billing.apiPort } : {}),
          ...(billing.apiProtocol ? { protocol: billing.apiProtocol } : {}),
        })
      : null;
  }

  priceOf(tier: Exclude<TierName, 'free'>): string {
    const price = tier === 'pro' ? this.config.billing.pricePro : this.config.billing.priceEnterprise;
    if (!price) throw new PaymentProviderError(`No Stripe price is configured for ${tier}`);
    return price;
  }

  /** Checks Stripe-Signature over the exact bytes received; throws a 400 on a missing, wrong or stale signature. */
  verifyEvent(rawBody: Buffer | undefined, signature: string | undefined): StripeEventLike {
    const secret = this.config.billing.stripeWebhookSecret;
    if (!secret) throw new WebhookNotConfiguredError();
    if (!signature) throw new InvalidSignatureError('Missing Stripe-Signature header');
    if (!rawBody || rawBody.length === 0) throw new InvalidSignatureError('Missing event body');
    let event: Partial<StripeEventLike>;
    try {
      event = Stripe.webhooks.constructEvent(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS) as unknown as Partial<StripeEventLike>;
    } catch (error) {
      const stale = error instanceof Error && /tolerance/i.test(error.message);
      throw new InvalidSignatureError(
        stale ? `Signature timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s old` : 'Signature does not match the event body',
      );
    }
    if (
      typeof event.id !== 'string' ||
      event.id.length > 255 ||
      typeof event.type !== 'string' ||
      typeof event.created !== 'number' ||
      typeof event.data !== 'object'
    ) {
      throw new InvalidEventError();
    }
    return event as StripeEventLike;
  }

  /** One customer per user: the idempotency key makes a retried or concurrent first upgrade reuse it. */
  createCustomer(userId: string, email: string): Promise<string> {
    return this.call('create a customer', async (stripe) => {
      const customer = await stripe.customers.create({ email, metadata: { userId } }, { idempotencyKey: `flowline-customer-${userId}` });
      return customer.id;
    });
  }

  /** The user id rides on the session and on the subscription it creates, so every later event names the user. */
  createCheckoutSession(request: CheckoutRequest): Promise<string> {
    const metadata = { userId: request.userId, tier: request.tier };
    return this.call('create a Checkout Session', async (stripe) => {
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: request.customerId,
        client_reference_id: request.userId,
        line_items: [{ price: this.priceOf(request.tier), quantity: 1 }],
        metadata,
        subscription_data: { metadata },
        success_url: this.config.billing.successUrl,
        cancel_url: this.config.billing.cancelUrl,
      });
      if (!session.url) throw new Error('Checkout Session without a url');
      return session.url;
    });
  }

  /**
   * Moves an existing subscription to another price. `pending_if_incomplete`
   * applies the change only once its prorated invoice is paid, so the tier
   * moves when Stripe's customer.subscription.updated event says so.
   */
  changeSubscriptionPrice(subscriptionId: string, tier: Exclude<TierName, 'free'>): Promise<void> {
    return this.call('change the subscription', async (stripe) => {
      const subscription = await stripe.subscriptions.retrieve(subscriptionId);
      const item = subscription.items.data[0];
      if (!item) throw new Error('subscription without items');
      await stripe.subscriptions.update(subscriptionId, {
        items: [{ id: item.id, price: this.priceOf(tier) }],
        proration_behavior: 'always_invoice',
        payment_behavior: 'pending_if_incomplete',
      });
    });
  }

  /** The customer keeps what they paid for; Stripe ends the subscription (and sends the event) at the period end. */
  cancelAtPeriodEnd(subscriptionId: string): Promise<{ currentPeriodEnd: Date | null }> {
    return this.call('cancel the subscription', async (stripe) => {
      const subscription = await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
      const periodEnd = subscription.items?.data?.[0]?.current_period_end;
      return { currentPeriodEnd: typeof periodEnd === 'number' ? new Date(periodEnd * 1000) : null };
    });
  }

  private async call<T>(what: string, work: (stripe: Stripe) => Promise<T>): Promise<T> {
    if (!this.client) throw new PaymentProviderError('Stripe is not configured (STRIPE_SECRET_KEY)');
    try {
      return await work(this.client);
    } catch (error) {
      if (error instanceof PaymentProviderError) throw error;
      // Only the kind of failure is logged: Stripe messages may quote request values.
      const detail = error as { type?: string; code?: string; statusCode?: number };
      this.logger.warn({ type: detail.type, code: detail.code, statusCode: detail.statusCode }, `Stripe: could not ${what}`);
      throw new PaymentProviderError(`The payment provider could not ${what}; try again shortly`);
    }
  }
}
