import { ApiProperty } from '@nestjs/swagger';

export class RegionResponse {
  @ApiProperty({ example: 'eu-west-1' })
  id: string;
  @ApiProperty({ example: 'eu-west-1-default' })
  queue: string;
  @ApiProperty({ description: 'Runs go here when nothing else chooses a region' })
  default: boolean;
  @ApiProperty({ description: 'Live workers consuming this queue (BullMQ worker registry)', example: 2 })
  workers: number;
  @ApiProperty({ description: 'Jobs waiting in the queue (waiting, prioritized, delayed)', example: 0 })
  waiting: number;
  @ApiProperty({ description: 'Jobs being executed now', example: 1 })
  active: number;
  @ApiProperty({ description: 'Milliseconds the oldest queued run of this region has waited to start; 0 when none waits', example: 0 })
  oldestWaitMs: number;
}
