import { AppError, BillingErrorCode } from '@app/errors';

export class UnknownTierError extends AppError {
  constructor(tier: string, valid: readonly string[]) {
    super(BillingErrorCode.UnknownTier, `Unknown tier "${tier.slice(0, 32)}"; valid tiers: ${valid.join(', ')}`, {
      details: { validTiers: valid },
    });
  }
}

export class InvalidSignatureError extends AppError {
  constructor(reason: string) {
    super(BillingErrorCode.InvalidSignature, `Stripe signature verification failed: ${reason}`);
  }
}

export class InvalidEventError extends AppError {
  constructor() {
    super(BillingErrorCode.InvalidEvent, 'The signed body is not a Stripe event (id, type, created, data)');
  }
}

export class WebhookNotConfiguredError extends AppError {
  constructor() {
    super(BillingErrorCode.WebhookNotConfigured, 'Stripe webhooks are not configured on this deployment (STRIPE_WEBHOOK_SECRET)');
  }
}

export class PaymentProviderError extends AppError {
  constructor(message: string) {
    super(BillingErrorCode.PaymentProviderError, message);
  }
}
