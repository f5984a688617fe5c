import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthErrors } from '../common/decorators/api-errors.decorator';
import { RegionResponse } from './regions.dto';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiAuthErrors()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @ApiOperation({ summary: 'Regions with their queue, live workers, waiting and active jobs' })
  @ApiOkResponse({ type: [RegionResponse] })
  list(): Promise<RegionResponse[]> {
    return this.regions.list();
  }
}
