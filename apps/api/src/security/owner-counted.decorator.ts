import { SetMetadata } from '@nestjs/common';

export const COUNTED_AGAINST_OWNER = 'flowline:countedAgainstOwner';

/**
 * A public route whose credential (a webhook token) names an owner once the handler has checked it: the
 * request is counted against the caller's address until then, and against the owner's tier after.
 */
export const CountedAgainstOwner = (): MethodDecorator => SetMetadata(COUNTED_AGAINST_OWNER, true);
