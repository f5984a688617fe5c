import { HttpStatus } from '@nestjs/common';
import { AppError } from './app-error';

export class UnknownRegionError extends AppError {
  constructor(region: string, valid: readonly string[]) {
    super(HttpStatus.BAD_REQUEST, 'UNKNOWN_REGION', `Unknown region "${region.slice(0, 64)}"; valid regions: ${valid.join(', ')}`, {
      validRegions: valid,
    });
  }
}
