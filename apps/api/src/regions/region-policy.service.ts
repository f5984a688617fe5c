import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { UnknownRegionError } from '@app/errors';

/** Knows the configured regions; every region a client names passes through here before it is stored or used. */
@Injectable()
export class RegionPolicy {
  constructor(private readonly config: AppConfig) {}

  get regions(): readonly string[] {
    return this.config.regions;
  }

  get defaultRegion(): string {
    return this.config.defaultRegion;
  }

  assertKnown(region: string): string {
    if (!this.config.regions.includes(region)) throw new UnknownRegionError(region, this.config.regions);
    return region;
  }
}
