import { HttpStatus } from '@nestjs/common';
import { AppError } from '@app/errors';

export class UnknownTierError extends AppError {
  constructor(tier: string, valid: readonly string[]) {
    super(HttpStatus.BAD_REQUEST, 'UNKNOWN_TIER', `Unknown tier "${tier.slice(0, 32)}"; valid tiers: ${valid.join(', ')}`, { validTiers: valid });
  }
}

export class InvalidSignatureError extends AppError {
  constructor(reason: string) {
    super(HttpStatus.BAD_REQUEST, 'INVALID_SIGNATURE', `Stripe signature verification failed: ${reason}`);
  }
}

export class InvalidEventError extends AppError {
  constructor() {
    super(HttpStatus.BAD_REQUEST, 'INVALID_EVENT', 'The signed body is not a Stripe event (id, type, created, data)');
  }
}

export class WebhookNotConfiguredError extends AppError {
  constructor() {
    super(HttpStatus.BAD_REQUEST, 'WEBHOOK_NOT_CONFIGURED', 'Stripe webhooks are not configured on this deployment (STRIPE_WEBHOOK_SECRET)');
  }
}

export class PaymentProviderError extends AppError {
  constructor(message: string) {
    super(HttpStatus.BAD_GATEWAY, 'PAYMENT_PROVIDER_ERROR', message);
  }
}
