import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'flowline:isPublic';

/** Opts a route out of the global auth guard. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
