import { UnknownRegionError } from '@app/errors';

export interface RegionChoice {
  requested?: string | null;
  workflowPin?: string | null;
  preferred?: string | null;
}

/** Region of a run, first that applies: the request's, the workflow's pin, the user's preference, the default. */
export function resolveRunRegion(choice: RegionChoice, regions: readonly string[], defaultRegion: string): string {
  const region = choice.requested ?? choice.workflowPin ?? choice.preferred ?? defaultRegion;
  if (!regions.includes(region)) throw new UnknownRegionError(region, regions);
  return region;
}
