import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AdmissionOwner, AdmissionRequest, Admitted, RunAdmission } from '@app/admission';
import { ExecutionEntity, ExecutionStepEntity, FINAL_STATUSES } from '@app/database';
import { AppError, CommonErrorCode, RunLimitError } from '@app/errors';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth-user';
import { ExecutionsService } from '../executions/executions.service';
import { ExecutionWaiter } from './execution-waiter.service';
import { RunAsyncRequest } from './runs.dto';

const DEFAULT_WAIT_MS = 30000;

@Injectable()
export class RunsService {
  constructor(
    private readonly admission: RunAdmission,
    private readonly executions: ExecutionsService,
    private readonly waiter: ExecutionWaiter,
    private readonly audit: AuditService,
  ) {}

  /** `resultAwaited`: the caller will wait for the end (POST /run). */
  async start(user: AuthUser, request: RunAsyncRequest, requestId?: string, resultAwaited = false): Promise<Admitted> {
    return this.admitAudited({
      owner: user,
      workflowId: request.workflowId,
      trigger: 'manual',
      input: request.input ?? null,
      region: request.region,
      whenBusy: request.whenBusy,
      requestId,
      resultAwaited,
    });
  }

  /** Waits up to `waitMs` for the run to end; returns the execution as it then is. */
  async waitForResult(
    userId: string,
    executionId: string,
    waitMs = DEFAULT_WAIT_MS,
  ): Promise<{ execution: ExecutionEntity; steps?: ExecutionStepEntity[] }> {
    const isFinal = async () => FINAL_STATUSES.includes((await this.executions.get(userId, executionId)).status);
    await this.waiter.waitFor(executionId, waitMs, isFinal);
    const execution = await this.executions.get(userId, executionId);
    if (!FINAL_STATUSES.includes(execution.status)) return { execution };
    return { execution, steps: await this.executions.stepsOf(userId, executionId) };
  }

  startFromWebhook(owner: AdmissionOwner, workflowId: string, input: unknown, requestId?: string): Promise<Admitted> {
    return this.admitAudited({ owner, workflowId, trigger: 'webhook', input, requestId });
  }

  /**
   * An accepted run is audited in its admission statement; a refused one (inactive, no queue) afterwards.
   * Limit rejections (429) are audited by RunAdmission as one run.rejected row per owner, code and minute with a
   * count (RejectionTallies): they come in floods, and a row each would turn a flood into as many writes.
   */
  private async admitAudited(request: AdmissionRequest): Promise<Admitted> {
    const target = { actorId: request.owner.id, action: 'run.request' as const, targetType: 'workflow', targetId: request.workflowId };
    const executionId = randomUUID();
    try {
      return await this.admission.admit({
        ...request,
        executionId,
        audit: this.audit.rowFor({ ...target, metadata: { executionId, trigger: request.trigger } }),
      });
    } catch (error) {
      // 404 (not the caller's workflow) names nothing of the caller's to audit.
      if (error instanceof AppError && !(error instanceof RunLimitError) && error.code !== CommonErrorCode.NotFound) {
        await this.audit
          .record({ ...target, outcome: 'failure', metadata: { trigger: request.trigger, code: error.code } })
          .catch(() => undefined);
      }
      throw error;
    }
  }
}
