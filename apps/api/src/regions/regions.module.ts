import { Global, Module } from '@nestjs/common';
import { RegionPolicy } from './region-policy.service';
import { RegionsController } from './regions.controller';
import { RegionsService } from './regions.service';

@Global()
@Module({
  controllers: [RegionsController],
  providers: [RegionPolicy, RegionsService],
  exports: [RegionPolicy],
})
export class RegionsModule {}
