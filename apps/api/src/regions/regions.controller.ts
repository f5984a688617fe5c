import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { REGION_LIMITS } from '@app/config';
import { ApiAuthErrors } from '../common/decorators/api-errors.decorator';
import { RegionResponse } from './regions.dto';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiExtraModels(RegionResponse)
@ApiAuthErrors()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @ApiOperation({
    summary: 'Regions with their queue, live workers, waiting and active jobs',
    description: "A run goes to the request's `region`, else the workflow's pin, else your preferredRegion, else the default region.",
  })
  @ApiOkResponse({ schema: { type: 'array', items: { $ref: getSchemaPath(RegionResponse) }, maxItems: REGION_LIMITS.maxCount } })
  list(): Promise<RegionResponse[]> {
    return this.regions.list();
  }
}
