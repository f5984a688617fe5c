import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/config';
import { BillingEventOutcome, SubscriptionEntity, UserEntity } from '@app/database';
import { BillingIntent, interpretStripeEvent, StripeEventLike } from './stripe-event.mapper';
import { StripeGateway } from './stripe.gateway';
import { LockedPlan, PlanPatch, SubscriptionChangesService } from './subscription-changes.service';

export type WebhookOutcome = BillingEventOutcome | 'duplicate';

/**
 * Applies verified Stripe events. Each event id is recorded in the same
 * transaction as its effect, under a primary key: a replay, or a duplicate
 * racing the first delivery, waits for it and then finds the id taken.
 */
@Injectable()
export class StripeWebhooksService {
  private readonly logger = new Logger(StripeWebhooksService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: SubscriptionChangesService,
    private readonly stripe: StripeGateway,
    private readonly config: AppConfig,
  ) {}

  /** Nothing is read or written before the signature over the raw body checks out. */
  receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookOutcome> {
    return this.handle(this.stripe.verifyEvent(rawBody, signature));
  }

  async handle(event: StripeEventLike): Promise<WebhookOutcome> {
    const intent = interpretStripeEvent(event, { pro: this.config.billing.pricePro, enterprise: this.config.billing.priceEnterprise });
    if (!intent) return 'ignored';
    const eventAt = new Date(event.created * 1000);

    const outcome = await this.dataSource.transaction(async (manager): Promise<WebhookOutcome> => {
      const claimed = (await manager.query(
        `INSERT INTO billing_events (event_id, provider, type, event_created_at) VALUES ($1, 'stripe', $2, $3)
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [event.id, event.type, eventAt],
      )) as unknown[];
      if (claimed.length === 0) return 'duplicate';

      const userId = await this.findUser(manager, intent);
      const result = userId ? await this.applyTo(manager, userId, event, eventAt, intent) : 'ignored';
      await manager.query(`UPDATE billing_events SET outcome = $2, user_id = $3 WHERE event_id = $1`, [event.id, result, userId]);
      return result;
    });
    this.logger.log({ eventId: event.id, type: event.type, outcome }, 'Stripe event handled');
    return outcome;
  }

  private async applyTo(
    manager: EntityManager,
    userId: string,
    event: StripeEventLike,
    eventAt: Date,
    intent: BillingIntent,
  ): Promise<BillingEventOutcome> {
    const plan = await this.changes.lock(manager, userId);
    const stored = plan.subscription;
    if (stored.lastEventAt && eventAt < stored.lastEventAt) return 'stale';

    const patch = await this.patchFor(manager, plan, intent);
    if (!patch) return 'ignored';
    await this.changes.apply(manager, plan, patch, { type: 'provider', providerEventId: event.id, eventAt });
    return 'applied';
  }

  private async patchFor(manager: EntityManager, plan: LockedPlan, intent: BillingIntent): Promise<PlanPatch | null> {
    const stored = plan.subscription;
    const { subscriptionId, customerId } = intent.ref;
    const otherSubscription =
      stored.providerSubscriptionId !== null && subscriptionId !== null && subscriptionId !== stored.providerSubscriptionId;
    // Events about an old subscription (its cancellation, its failed invoice) must not touch the current one.
    if (otherSubscription && !intent.startsSubscription) return null;
    // A failed invoice marks a paid plan past due; a free one has nothing left to lose.
    if (intent.paymentFailed && plan.user.tier === 'free') return null;

    const patch: PlanPatch = { provider: 'stripe' };
    if (customerId && (await this.isFree(manager, 'provider_customer_id', customerId, plan.user.id))) patch.providerCustomerId = customerId;
    if (subscriptionId && (await this.isFree(manager, 'provider_subscription_id', subscriptionId, plan.user.id)))
      patch.providerSubscriptionId = subscriptionId;
    if (intent.tier) patch.tier = intent.tier;
    if (intent.status) patch.status = intent.status;
    if (intent.cancelAtPeriodEnd !== null) patch.cancelAtPeriodEnd = intent.cancelAtPeriodEnd;
    // A failed invoice's line period only fills a gap; the subscription's own events are authoritative.
    if (intent.currentPeriodEnd && (!intent.paymentFailed || !stored.currentPeriodEnd)) patch.currentPeriodEnd = intent.currentPeriodEnd;
    return patch;
  }

  /** A Stripe id already linked to another user is never moved by an event. */
  private async isFree(
    manager: EntityManager,
    column: 'provider_customer_id' | 'provider_subscription_id',
    value: string,
    userId: string,
  ): Promise<boolean> {
    const [owner] = (await manager.query(`SELECT user_id FROM subscriptions WHERE ${column} = $1`, [value])) as { user_id: string }[];
    if (owner && owner.user_id !== userId) {
      this.logger.warn({ column, userId }, 'Stripe id already belongs to another user; not relinked');
      return false;
    }
    return true;
  }

  /** metadata.userId (set by this server on the session and subscription), else the stored customer or subscription id. */
  private async findUser(manager: EntityManager, intent: BillingIntent): Promise<string | null> {
    const { userId, customerId, subscriptionId } = intent.ref;
    if (userId && (await manager.existsBy(UserEntity, { id: userId }))) return userId;
    for (const [column, value] of [
      ['providerCustomerId', customerId],
      ['providerSubscriptionId', subscriptionId],
    ] as const) {
      if (!value) continue;
      const found = await manager.findOne(SubscriptionEntity, { where: { [column]: value }, select: { userId: true } });
      if (found) return found.userId;
    }
    return null;
  }
}
