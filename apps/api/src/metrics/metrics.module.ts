import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { QueueGaugeSampler } from './queue-gauge.sampler';

@Module({
  controllers: [MetricsController],
  providers: [QueueGaugeSampler],
})
export class ApiMetricsModule {}
