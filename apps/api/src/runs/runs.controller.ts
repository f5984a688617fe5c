import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '@app/errors';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { CountedAgainstOwner } from '../security/owner-counted.decorator';
import { Public } from '../security/public.decorator';
import { RequestBudgets } from '../tiers/request-budgets';
import { ExecutionResponse } from '../executions/executions.dto';
import { WorkflowsService } from '../workflows/workflows.service';
import { RunAcceptedResponse, RunAsyncRequest, RunRequest, WebhookAcceptedResponse } from './runs.dto';
import { RunsService } from './runs.service';

@ApiTags('runs')
@Controller()
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly workflows: WorkflowsService,
    private readonly budgets: RequestBudgets,
  ) {}

  @Post('run/async')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAuthErrors()
  @ApiOperation({
    summary: 'Start a run; answers at once',
    description: 'The run goes to its region queue: request region, else workflow pin, else your preferred region, else the default.',
  })
  @ApiAcceptedResponse({ type: RunAcceptedResponse })
  @ApiErrors(400, 404, 409)
  async runAsync(
    @CurrentUser() user: AuthUser,
    @Body() body: RunAsyncRequest,
    @Req() request: FastifyRequest,
  ): Promise<RunAcceptedResponse> {
    const { execution, warnings } = await this.runs.start(user, body, request.id);
    return RunAcceptedResponse.from(execution, warnings);
  }

  @Post('run')
  @HttpCode(HttpStatus.OK)
  @ApiAuthErrors()
  @ApiOperation({
    summary: 'Run and wait for the result',
    description: '200 with the finished execution, or 202 `{executionId, status}` when it is not finished within waitMs.',
  })
  @ApiOkResponse({ type: ExecutionResponse })
  @ApiAcceptedResponse({ type: RunAcceptedResponse })
  @ApiErrors(400, 404, 409)
  async run(
    @CurrentUser() user: AuthUser,
    @Body() body: RunRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<ExecutionResponse | RunAcceptedResponse> {
    const { execution: accepted, warnings } = await this.runs.start(user, body, request.id, true);
    const { execution, steps } = await this.runs.waitForResult(user.id, accepted.id, body.waitMs);
    if (steps) return ExecutionResponse.from(execution, steps);
    response.status(HttpStatus.ACCEPTED);
    return RunAcceptedResponse.from(execution, warnings);
  }

  @Public()
  @CountedAgainstOwner()
  @Post('hooks/:workflowId')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Webhook trigger: the JSON body is the run input',
    description:
      "A wrong or missing token answers 404, as for an unknown workflow, and counts against the caller's address " +
      "(ANON_REQUESTS_PER_MINUTE); a call with the valid token counts against the workflow owner's apiRequestsPerMinute.",
  })
  @ApiSecurity('webhook-token')
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: true, example: { orderId: 42 } } })
  @ApiAcceptedResponse({ type: WebhookAcceptedResponse })
  @ApiErrors(400, 404, 409, 413, 415, 429, 503)
  async webhook(
    @Param('workflowId') workflowId: string,
    @Headers('x-webhook-token') token: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<WebhookAcceptedResponse> {
    const owner = await this.workflows.findByWebhookToken(workflowId, token);
    // A wrong token stays counted against the caller's address (held there by AnonymousRateLimitGuard).
    if (!owner) throw new NotFoundError('Workflow');
    await this.budgets.moveToOwner(request, owner, response);
    const { execution } = await this.runs.startFromWebhook(owner, workflowId, body ?? null, request.id);
    return { executionId: execution.id };
  }
}
