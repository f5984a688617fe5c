import { Global, Module } from '@nestjs/common';
import { RegionPolicy } from './region-policy.service';

@Global()
@Module({
  providers: [RegionPolicy],
  exports: [RegionPolicy],
})
export class RegionsModule {}
