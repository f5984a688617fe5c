import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { toPage } from '../common/dto/pagination.dto';
import {
  CreateWorkflowRequest,
  UpdateWorkflowRequest,
  WebhookResponse,
  WorkflowListQuery,
  WorkflowPage,
  WorkflowResponse,
} from './workflows.dto';
import { WorkflowsService } from './workflows.service';

@ApiTags('workflows')
@ApiAuthErrors()
@Controller('workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a workflow',
    description: 'A webhook workflow answers with `webhook: {url, token}`; the token is shown only here (or when rotated).',
  })
  @ApiCreatedResponse({ type: WorkflowResponse })
  @ApiErrors(400, 403)
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateWorkflowRequest): Promise<WorkflowResponse> {
    const { workflow, webhook } = await this.workflows.create(user, body);
    return WorkflowResponse.from(workflow, webhook);
  }

  @Get()
  @ApiOperation({ summary: 'Your workflows, newest first' })
  @ApiOkResponse({ type: WorkflowPage })
  @ApiErrors(400)
  async list(@CurrentUser() user: AuthUser, @Query() query: WorkflowListQuery): Promise<WorkflowPage> {
    const [items, total] = await this.workflows.list(user.id, query.page, query.limit);
    return toPage(
      items.map((workflow) => WorkflowResponse.from(workflow)),
      total,
      query,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One workflow' })
  @ApiOkResponse({ type: WorkflowResponse })
  @ApiErrors(400, 404)
  async get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<WorkflowResponse> {
    return WorkflowResponse.from(await this.workflows.get(user.id, id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a workflow (runs already accepted keep the definition they started with)',
    description:
      'Activating a workflow is 403 WORKFLOW_LIMIT when your active workflows are already at maxWorkflows (e.g. after a downgrade).',
  })
  @ApiOkResponse({ type: WorkflowResponse })
  @ApiErrors(400, 403, 404)
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateWorkflowRequest,
  ): Promise<WorkflowResponse> {
    const { workflow, webhook } = await this.workflows.update(user, id, body);
    return WorkflowResponse.from(workflow, webhook);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a workflow and its schedule (its execution history stays)' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  async delete(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.workflows.delete(user.id, id);
  }

  @Post(':id/webhook-token')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Rotate a webhook workflow's token", description: 'The old token stops working at once.' })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiErrors(400, 404)
  rotateWebhookToken(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookResponse> {
    return this.workflows.rotateWebhookToken(user.id, id);
  }
}
