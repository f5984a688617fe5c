import { ApiProperty } from '@nestjs/swagger';
import { RESPONSE_MILLISECONDS, responseCount } from '../common/dto/fields';
import { QUEUE_VIEW } from '../runs/runs.dto';
import { REGION_VIEW } from '../users/users.dto';

const count = (description: string, example: number) => responseCount({ description, example });

export class RegionResponse {
  @ApiProperty(REGION_VIEW)
  id: string;
  @ApiProperty(QUEUE_VIEW)
  queue: string;
  @ApiProperty({ description: 'Runs go here when nothing else chooses a region' })
  default: boolean;
  @ApiProperty(count('Live workers consuming this queue (BullMQ worker registry)', 2))
  workers: number;
  @ApiProperty(count('Jobs waiting in the queue (waiting, prioritized, delayed)', 0))
  waiting: number;
  @ApiProperty(count('Jobs being executed now', 1))
  active: number;
  @ApiProperty({
    ...RESPONSE_MILLISECONDS,
    description: 'Milliseconds the oldest queued run of this region has waited to start; 0 when none waits',
    example: 0,
  })
  oldestWaitMs: number;
}
