import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { Roles } from '../security/roles.decorator';
import { toPage } from '../common/dto/pagination.dto';
import { AuditLogPage, AuditLogQuery, AuditLogResponse } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('admin')
@ApiAuthErrors()
@ApiErrors(403)
@Roles('admin')
@Controller('admin/audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'The audit trail, newest first (admin)',
    description: 'Filters: actorId, action (exact), from (inclusive), to (exclusive).',
  })
  @ApiOkResponse({ type: AuditLogPage })
  @ApiErrors(400)
  async list(@Query() query: AuditLogQuery): Promise<AuditLogPage> {
    const [rows, total] = await this.audit.list(query);
    return toPage(rows.map(AuditLogResponse.from), total, query);
  }
}
