import { AppError } from './app-error';
import { RunErrorCode } from './error-codes';

export class UnknownRegionError extends AppError {
  constructor(region: string, valid: readonly string[]) {
    super(RunErrorCode.UnknownRegion, `Unknown region "${region.slice(0, 64)}"; valid regions: ${valid.join(', ')}`, {
      details: { validRegions: valid },
    });
  }
}
