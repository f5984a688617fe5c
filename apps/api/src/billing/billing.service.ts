import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/config';
import { SubscriptionEntity, UserEntity, WorkflowEntity } from '@app/database';
import { NotFoundError } from '@app/errors';
import { ExecutionAdmissionRepository, QueueWaitRepository } from '@app/executions';
import { isTierName, TIER_NAMES, TierName } from '@app/tier-policy';
import type { AuthUser } from '../common/auth-user';
import { TiersService } from '../tiers/tiers.service';
import {
  CheckoutResponse,
  DeactivatedWorkflowView,
  PlanLimitsView,
  PlanResponse,
  SubscriptionChangeResponse,
  SubscriptionResponse,
} from './billing.dto';
import { UnknownTierError } from './billing.errors';
import { StripeGateway } from './stripe.gateway';
import { PlanChange, PlanPatch, SubscriptionChangesService } from './subscription-changes.service';

const rank = (tier: TierName) => TIER_NAMES.indexOf(tier);

@Injectable()
export class BillingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: SubscriptionChangesService,
    private readonly stripe: StripeGateway,
    private readonly config: AppConfig,
    private readonly tiers: TiersService,
    private readonly executions: ExecutionAdmissionRepository,
    private readonly waits: QueueWaitRepository,
  ) {}

  plans(): PlanResponse[] {
    return this.tiers.plans().map((plan) => PlanResponse.from(plan));
  }

  /** Limits and usage as admission sees them: users.tier, custom limits, and the same live counters. */
  async subscription(userId: string, manager: EntityManager = this.dataSource.manager): Promise<SubscriptionResponse> {
    const user = await manager.findOneBy(UserEntity, { id: userId });
    if (!user) throw new NotFoundError('User');
    const stored = await manager.findOneBy(SubscriptionEntity, { userId });
    const [live, workflows, wait] = await Promise.all([
      this.executions.liveUsage(userId, manager),
      manager.countBy(WorkflowEntity, { ownerId: userId }),
      this.waits.ofOwner(userId),
    ]);
    return {
      tier: user.tier,
      status: stored?.status ?? 'active',
      limits: PlanLimitsView.from(this.tiers.limitsOf(user)),
      usage: { workflows, activeJobs: live.active, executionsToday: live.today, queued: wait.queued, oldestWaitMs: wait.oldestWaitMs },
      provider: stored?.provider ?? this.config.billing.provider,
      ...(stored?.currentPeriodEnd ? { currentPeriodEnd: stored.currentPeriodEnd.toISOString() } : {}),
      cancelAtPeriodEnd: stored?.cancelAtPeriodEnd ?? false,
    };
  }

  /**
   * Mock provider: the change applies at once. Stripe: raising a tier always
   * goes through a payment (Checkout, or a prorated invoice on an existing
   * subscription) and applies when the signed event arrives; going to free
   * cancels the subscription at the end of the paid period.
   */
  async upgrade(user: AuthUser, requested: string | undefined): Promise<SubscriptionChangeResponse | CheckoutResponse> {
    if (!isTierName(requested)) throw new UnknownTierError(requested ?? '', TIER_NAMES);
    const tier = requested;
    if (tier === user.tier) return this.unchanged(user);
    if (this.config.billing.provider === 'mock') {
      return this.applyNow(user, tier, { provider: 'mock', status: 'active', currentPeriodEnd: null, cancelAtPeriodEnd: false });
    }

    const stored = await this.dataSource.manager.findOneBy(SubscriptionEntity, { userId: user.id });
    const live =
      stored?.provider === 'stripe' && stored.providerSubscriptionId && stored.status !== 'canceled' ? stored.providerSubscriptionId : null;
    if (tier === 'free') {
      if (!live) return this.applyNow(user, tier, {});
      const { currentPeriodEnd } = await this.stripe.cancelAtPeriodEnd(live);
      await this.dataSource.manager.update(
        SubscriptionEntity,
        { userId: user.id },
        { cancelAtPeriodEnd: true, ...(currentPeriodEnd ? { currentPeriodEnd } : {}) },
      );
      return this.unchanged(user, 'free');
    }
    if (live) {
      await this.stripe.changeSubscriptionPrice(live, tier);
      return this.unchanged(user, tier);
    }
    // Without a subscription there is nothing to pay for going down (e.g. from a tier an admin granted).
    if (rank(tier) < rank(user.tier)) return this.applyNow(user, tier, {});
    return { checkoutUrl: await this.stripe.createCheckoutSession({ userId: user.id, customerId: await this.customerOf(user), tier }) };
  }

  private async applyNow(user: AuthUser, tier: TierName, extra: Omit<PlanPatch, 'tier'>): Promise<SubscriptionChangeResponse> {
    return this.dataSource.transaction(async (manager) => {
      const change = await this.changes.change(user.id, { ...extra, tier }, { type: 'user', id: user.id }, manager);
      return this.changeResponse(change, await this.subscription(user.id, manager));
    });
  }

  private async unchanged(user: AuthUser, pendingTier?: TierName): Promise<SubscriptionChangeResponse> {
    const view = await this.subscription(user.id);
    return { ...view, changed: false, previousTier: view.tier, deactivatedWorkflows: [], ...(pendingTier ? { pendingTier } : {}) };
  }

  private changeResponse(change: PlanChange, view: SubscriptionResponse): SubscriptionChangeResponse {
    return {
      ...view,
      changed: change.changed,
      previousTier: change.fromTier,
      deactivatedWorkflows: change.deactivated.map(DeactivatedWorkflowView.from),
    };
  }

  /** The user's Stripe customer, created on first checkout and linked before any event can name it. */
  private async customerOf(user: AuthUser): Promise<string> {
    const stored = await this.dataSource.manager.findOneBy(SubscriptionEntity, { userId: user.id });
    if (stored?.providerCustomerId) return stored.providerCustomerId;
    const customerId = await this.stripe.createCustomer(user.id, user.email);
    return this.dataSource.transaction(async (manager) => {
      const plan = await this.changes.lock(manager, user.id);
      if (plan.subscription.providerCustomerId) return plan.subscription.providerCustomerId;
      await manager.update(SubscriptionEntity, { userId: user.id }, { providerCustomerId: customerId, provider: 'stripe' });
      return customerId;
    });
  }
}
