import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/config';
import {
  BillingProviderName,
  CustomLimits,
  DeactivatedWorkflow,
  SubscriptionChangeActor,
  SubscriptionChangeEntity,
  SubscriptionEntity,
  SubscriptionStatus,
  Tier,
  UserEntity,
} from '@app/database';
import { NotFoundError } from '@app/errors';
import { lockOwner } from '@app/executions';
import { effectiveLimits, Limit } from '@app/tier-policy';
import { AuditService } from '../audit/audit.service';
import { WorkflowSchedules } from '../workflows/workflow-schedules.service';

/** A user's plan, locked for the rest of the transaction. */
export interface LockedPlan {
  user: UserEntity;
  subscription: SubscriptionEntity;
}

/** Fields to change; absent ones stay as they are. */
export interface PlanPatch {
  tier?: Tier;
  status?: SubscriptionStatus;
  provider?: BillingProviderName;
  providerCustomerId?: string | null;
  providerSubscriptionId?: string | null;
  currentPeriodEnd?: Date | null;
  cancelAtPeriodEnd?: boolean;
  /** Admin overrides of the tier limits (null removes them all). */
  customLimits?: CustomLimits | null;
}

export interface ChangeActor {
  type: SubscriptionChangeActor;
  /** The user or admin; none for provider events and system sweeps. */
  id?: string | null;
  providerEventId?: string | null;
  /** When the provider created the event: later events win, older ones never roll back. */
  eventAt?: Date | null;
}

export interface PlanChange {
  user: UserEntity;
  subscription: SubscriptionEntity;
  fromTier: Tier;
  toTier: Tier;
  /** Deactivated because the new plan allows fewer workflows, newest first. */
  deactivated: DeactivatedWorkflow[];
  changed: boolean;
}

/**
 * The one place a user's tier changes, by any path (mock upgrade, Stripe
 * event, admin, past-due sweep): users.tier and the subscription move
 * together in one transaction, workflows over the new limit are deactivated,
 * and the change is written to the history (and the audit log).
 */
@Injectable()
export class SubscriptionChangesService {
  private readonly logger = new Logger(SubscriptionChangesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly schedules: WorkflowSchedules,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** Opens a transaction unless the caller passes its own. */
  async change(userId: string, patch: PlanPatch, actor: ChangeActor, manager?: EntityManager): Promise<PlanChange> {
    if (!manager) return this.dataSource.transaction((own) => this.change(userId, patch, actor, own));
    return this.apply(manager, await this.lock(manager, userId), patch, actor);
  }

  /**
   * The owner lock comes first, as in workflow creation and run admission:
   * no workflow can be created or activated, and no run admitted, against
   * limits that are about to change.
   */
  async lock(manager: EntityManager, userId: string): Promise<LockedPlan> {
    await lockOwner(manager, userId);
    const user = await manager.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'for_no_key_update' } });
    if (!user) throw new NotFoundError('User');
    await manager.query(`INSERT INTO subscriptions (user_id, tier, provider) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING`, [
      userId,
      user.tier,
      this.config.billing.provider,
    ]);
    const subscription = await manager.findOneOrFail(SubscriptionEntity, { where: { userId }, lock: { mode: 'pessimistic_write' } });
    return { user, subscription };
  }

  async apply(manager: EntityManager, plan: LockedPlan, patch: PlanPatch, actor: ChangeActor): Promise<PlanChange> {
    const { user, subscription } = plan;
    const fromTier = user.tier;
    const fromStatus = subscription.status;
    const toTier = patch.tier ?? fromTier;

    const { customLimits, ...subscriptionFields } = patch;
    if (toTier !== fromTier || customLimits !== undefined) {
      user.tier = toTier;
      if (customLimits !== undefined) user.customLimits = customLimits;
      await manager.save(UserEntity, user);
    }
    Object.assign(subscription, stripUndefined(subscriptionFields), { tier: toTier });
    if (actor.eventAt && (!subscription.lastEventAt || actor.eventAt > subscription.lastEventAt)) subscription.lastEventAt = actor.eventAt;
    await manager.save(SubscriptionEntity, subscription);

    const deactivated = await this.deactivateOverLimit(manager, user.id, effectiveLimits(toTier, user.customLimits).maxWorkflows);
    const changed = toTier !== fromTier || subscription.status !== fromStatus || deactivated.length > 0;
    if (changed) {
      await manager.insert(SubscriptionChangeEntity, {
        userId: user.id,
        actorType: actor.type,
        actorId: actor.id ?? null,
        providerEventId: actor.providerEventId ?? null,
        fromTier,
        toTier,
        fromStatus,
        toStatus: subscription.status,
        deactivatedWorkflows: deactivated,
      });
    }
    if (toTier !== fromTier) await this.recordTierChange(manager, { userId: user.id, actor, fromTier, toTier, deactivated });
    // In the transaction, like workflow updates: a schedule that cannot be removed keeps the workflow active too.
    for (const workflow of deactivated) await this.schedules.remove(workflow.id);
    return { user, subscription, fromTier, toTier, deactivated, changed };
  }

  /**
   * Keeps the oldest `limit` active workflows and deactivates the rest, so
   * the same workflows survive whichever path lowered the limit. Runs already
   * accepted are not touched; they finish.
   */
  private async deactivateOverLimit(manager: EntityManager, ownerId: string, limit: Limit): Promise<DeactivatedWorkflow[]> {
    if (limit === null) return [];
    const updated = (await manager.query(
      `WITH deactivated AS (
         UPDATE workflows SET active = false, updated_at = now()
         WHERE id IN (SELECT id FROM workflows WHERE owner_id = $1 AND active ORDER BY created_at ASC, id ASC OFFSET $2)
         RETURNING id, name, created_at
       )
       SELECT id, name FROM deactivated ORDER BY created_at DESC, id DESC`,
      [ownerId, limit],
    )) as DeactivatedWorkflow[];
    return updated.map(({ id, name }) => ({ id, name }));
  }

  /** The single call site for `billing.tier_change`: in the change's transaction, so the row commits or rolls back with it. */
  private async recordTierChange(
    manager: EntityManager,
    change: { userId: string; actor: ChangeActor; fromTier: Tier; toTier: Tier; deactivated: DeactivatedWorkflow[] },
  ): Promise<void> {
    await this.audit.record(
      {
        actorId: change.actor.id ?? null,
        action: 'billing.tier_change',
        targetType: 'user',
        targetId: change.userId,
        metadata: {
          from: change.fromTier,
          to: change.toTier,
          source: change.actor.type,
          providerEventId: change.actor.providerEventId ?? null,
          deactivatedWorkflowIds: change.deactivated.map((workflow) => workflow.id),
        },
      },
      manager,
    );
    this.logger.log(
      {
        userId: change.userId,
        actorType: change.actor.type,
        from: change.fromTier,
        to: change.toTier,
        deactivated: change.deactivated.length,
      },
      'tier changed',
    );
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
