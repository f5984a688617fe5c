import { ApiProperty } from '@nestjs/swagger';
import { QUEUE_VIEW } from '../runs/runs.dto';
import { REGION_VIEW } from '../users/users.dto';

const INT32_MAX = 2_147_483_647;
const count = (description: string, example: number) =>
  ({ type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX, description, example }) as const;

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
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Milliseconds the oldest queued run of this region has waited to start; 0 when none waits',
    example: 0,
  })
  oldestWaitMs: number;
}
