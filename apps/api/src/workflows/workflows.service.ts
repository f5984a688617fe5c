import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { CustomLimits, namedStatement, SqlPool, Tier, UserEntity, WorkflowEntity } from '@app/database';
import type { AdmissionOwner } from '@app/admission';
import { NotFoundError } from '@app/errors';
import { lockOwner } from '@app/executions';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth-user';
import { TiersService } from '../tiers/tiers.service';
import { WorkflowDefinitionValidator } from './workflow-definition.validator';
import { WorkflowSchedules } from './workflow-schedules.service';
import { CreateWorkflowRequest, UpdateWorkflowRequest, WebhookResponse } from './workflows.dto';

const WEBHOOK_TARGET = namedStatement(
  'webhook_target',
  `SELECT w.webhook_token_hash, u.id AS owner_id, u.tier, u.custom_limits, u.preferred_region
     FROM workflows w JOIN users u ON u.id = w.owner_id
    WHERE w.id = $1 AND w.trigger->>'type' = 'webhook' AND NOT u.disabled`,
);

interface WebhookTarget {
  webhook_token_hash: string | null;
  owner_id: string;
  tier: Tier;
  custom_limits: CustomLimits | null;
  preferred_region: string | null;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface SavedWorkflow {
  workflow: WorkflowEntity;
  webhook?: WebhookResponse;
}

@Injectable()
export class WorkflowsService {
  constructor(
    @InjectRepository(WorkflowEntity) private readonly workflows: Repository<WorkflowEntity>,
    private readonly dataSource: DataSource,
    private readonly validator: WorkflowDefinitionValidator,
    private readonly schedules: WorkflowSchedules,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly sql: SqlPool,
    private readonly tiers: TiersService,
  ) {}

  /** Counted under the owner's lock: parallel creates cannot pass the workflow limit. */
  async create(owner: AuthUser, request: CreateWorkflowRequest): Promise<SavedWorkflow> {
    this.validator.assertSteps(request.steps);
    this.validator.assertRegion(request.region);
    await this.validator.assertCredentialsOwned(owner.id, request.steps);
    const trigger = this.validator.toTrigger(request.trigger);
    const token = trigger.type === 'webhook' ? newWebhookToken() : null;
    const limit = this.tiers.limitsOf(owner).maxWorkflows;

    const workflow = await this.dataSource.transaction(async (manager) => {
      if (limit !== null) {
        await lockOwner(manager, owner.id);
        const current = await manager.count(WorkflowEntity, { where: { ownerId: owner.id } });
        this.tiers.assertWorkflowRoom(limit, current);
      }
      const entity = manager.create(WorkflowEntity, {
        ownerId: owner.id,
        name: request.name,
        description: request.description ?? null,
        steps: request.steps,
        trigger,
        region: request.region ?? null,
        active: request.active ?? true,
        webhookTokenHash: token ? hashToken(token) : null,
      });
      const saved = await manager.save(entity);
      // Inside the transaction: if the schedule cannot be registered, the workflow is not created either.
      await this.schedules.sync(saved, owner.preferredRegion);
      await this.audit.record(
        {
          actorId: owner.id,
          action: 'workflow.create',
          targetType: 'workflow',
          targetId: saved.id,
          metadata: { name: saved.name, trigger: saved.trigger.type },
        },
        manager,
      );
      return saved;
    });
    return { workflow, webhook: token ? this.webhookOf(workflow.id, token) : undefined };
  }

  list(ownerId: string, page: number, limit: number): Promise<[WorkflowEntity[], number]> {
    return this.workflows.findAndCount({
      where: { ownerId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
  }

  async get(ownerId: string, id: string): Promise<WorkflowEntity> {
    const workflow = await this.workflows.findOneBy({ id, ownerId });
    if (!workflow) throw new NotFoundError('Workflow');
    return workflow;
  }

  async update(owner: AuthUser, id: string, request: UpdateWorkflowRequest): Promise<SavedWorkflow> {
    if (request.steps !== undefined) this.validator.assertSteps(request.steps);
    if (request.region !== undefined) this.validator.assertRegion(request.region);
    if (request.steps !== undefined) await this.validator.assertCredentialsOwned(owner.id, request.steps);
    const trigger = request.trigger !== undefined ? this.validator.toTrigger(request.trigger) : undefined;
    let token: string | null = null;

    const workflow = await this.dataSource.transaction(async (manager) => {
      // Owner lock first, in the order a tier change takes it: activation counts against the workflow limit.
      if (request.active === true) await lockOwner(manager, owner.id);
      const entity = await manager.findOne(WorkflowEntity, { where: { id, ownerId: owner.id }, lock: { mode: 'pessimistic_write' } });
      if (!entity) throw new NotFoundError('Workflow');
      if (request.name !== undefined) entity.name = request.name;
      if (request.description !== undefined) entity.description = request.description;
      if (request.steps !== undefined) entity.steps = request.steps;
      if (request.region !== undefined) entity.region = request.region;
      if (request.active === true && !entity.active) await this.assertActivationAllowed(manager, owner.id);
      if (request.active !== undefined) entity.active = request.active;
      if (trigger) {
        entity.trigger = trigger;
        if (trigger.type === 'webhook' && !entity.webhookTokenHash) {
          token = newWebhookToken();
          entity.webhookTokenHash = hashToken(token);
        }
      }
      const saved = await manager.save(entity);
      await this.schedules.sync(saved, owner.preferredRegion);
      const changed = Object.keys(request).filter((key) => request[key as keyof UpdateWorkflowRequest] !== undefined);
      await this.audit.record(
        { actorId: owner.id, action: 'workflow.update', targetType: 'workflow', targetId: id, metadata: { name: saved.name, changed } },
        manager,
      );
      return saved;
    });
    return { workflow, webhook: token ? this.webhookOf(workflow.id, token) : undefined };
  }

  async delete(ownerId: string, id: string): Promise<WorkflowEntity> {
    return this.dataSource.transaction(async (manager) => {
      const workflow = await manager.findOne(WorkflowEntity, { where: { id, ownerId }, lock: { mode: 'pessimistic_write' } });
      if (!workflow) throw new NotFoundError('Workflow');
      await manager.delete(WorkflowEntity, { id, ownerId });
      await this.schedules.remove(id);
      await this.audit.record(
        { actorId: ownerId, action: 'workflow.delete', targetType: 'workflow', targetId: id, metadata: { name: workflow.name } },
        manager,
      );
      return workflow;
    });
  }

  /** Replaces the webhook token; the old one stops working at once. */
  async rotateWebhookToken(ownerId: string, id: string): Promise<WebhookResponse> {
    const workflow = await this.get(ownerId, id);
    if (workflow.trigger.type !== 'webhook') throw new NotFoundError('Webhook trigger of this workflow');
    const token = newWebhookToken();
    await this.dataSource.transaction(async (manager) => {
      await manager.update(WorkflowEntity, { id, ownerId }, { webhookTokenHash: hashToken(token) });
      await this.audit.record(
        {
          actorId: ownerId,
          action: 'workflow.update',
          targetType: 'workflow',
          targetId: id,
          metadata: { name: workflow.name, changed: ['webhookToken'] },
        },
        manager,
      );
    });
    return this.webhookOf(id, token);
  }

  /** The workflow and its owner for a webhook call, or null when the id or token is wrong (the caller answers 404 either way). */
  /** The workflow's owner when the token opens this webhook workflow; null for anything else (all answer 404). */
  async findByWebhookToken(workflowId: string, token: string | undefined): Promise<AdmissionOwner | null> {
    if (!token || token.length > 200 || !/^[0-9a-f-]{36}$/i.test(workflowId)) return null;
    // One prepared statement: a webhook is a run request from outside, as hot as POST /run/async.
    const found = await this.sql.one<WebhookTarget>(WEBHOOK_TARGET, [workflowId]);
    if (!found?.webhook_token_hash) return null;
    const expected = Buffer.from(found.webhook_token_hash, 'hex');
    const given = Buffer.from(hashToken(token), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return { id: found.owner_id, tier: found.tier, customLimits: found.custom_limits, preferredRegion: found.preferred_region };
  }

  /** Active workflows never exceed maxWorkflows: after a downgrade the ones over the limit stay inactive until there is room. */
  private async assertActivationAllowed(manager: EntityManager, ownerId: string): Promise<void> {
    // Read under the owner lock, not from the request: a downgrade may have committed since.
    const owner = await manager.findOneByOrFail(UserEntity, { id: ownerId });
    const limit = this.tiers.limitsOf(owner).maxWorkflows;
    if (limit === null) return;
    const active = await manager.countBy(WorkflowEntity, { ownerId, active: true });
    this.tiers.assertWorkflowRoom(limit, active);
  }

  private webhookOf(workflowId: string, token: string): WebhookResponse {
    return { url: `${this.config.publicUrl}/hooks/${workflowId}`, token };
  }
}

function newWebhookToken(): string {
  return `whk_${randomBytes(32).toString('base64url')}`;
}
