import { Controller, Get, Headers, HttpCode, HttpStatus, Post, Query, RawBodyRequest, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { TIER_NAMES } from '@app/tier-policy';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { Public } from '../security/public.decorator';
import {
  CheckoutResponse,
  PlanResponse,
  SubscriptionChangeResponse,
  SubscriptionResponse,
  UpgradeQuery,
  WebhookReceivedResponse,
} from './billing.dto';
import { BillingService } from './billing.service';
import { StripeWebhooksService } from './stripe-webhooks.service';

@ApiTags('billing')
@ApiExtraModels(SubscriptionChangeResponse, CheckoutResponse, PlanResponse)
@Controller('billing')
export class BillingController {
  constructor(
    private readonly billing: BillingService,
    private readonly webhooks: StripeWebhooksService,
  ) {}

  @Public()
  @Get('plans')
  @ApiOperation({
    summary: 'The tiers, their prices and limits (null = unlimited)',
    description: 'Public: no credentials needed.',
  })
  @ApiOkResponse({ schema: { type: 'array', items: { $ref: getSchemaPath(PlanResponse) }, maxItems: TIER_NAMES.length } })
  @ApiErrors(429)
  plans(): PlanResponse[] {
    return this.billing.plans();
  }

  @Get('subscription')
  @ApiAuthErrors()
  @ApiOperation({
    summary: 'Your tier, subscription status, effective limits and current usage',
    description: "Limits are the tier merged with your custom limits; usage counts workflows, active runs, today's runs and queued runs.",
  })
  @ApiOkResponse({ type: SubscriptionResponse })
  subscription(@CurrentUser() user: AuthUser): Promise<SubscriptionResponse> {
    return this.billing.subscription(user.id);
  }

  @Post('upgrade')
  @HttpCode(HttpStatus.OK)
  @ApiAuthErrors()
  @ApiOperation({
    summary: 'Change your tier',
    description:
      'Mock provider: applies at once and answers with the new subscription (lowering maxWorkflows deactivates ' +
      'your newest workflows over the limit, listed in `deactivatedWorkflows`). ' +
      'Stripe: a higher tier answers `{checkoutUrl}` (or, with a subscription already, asks Stripe to move it to the new price); ' +
      'the tier changes only when Stripe confirms the payment. ' +
      '`free` cancels the Stripe subscription at the end of the paid period. Your current tier answers 200 with nothing changed.',
  })
  @ApiOkResponse({
    description: 'The subscription (changed now, or unchanged with a pending Stripe change), or `{checkoutUrl}`',
    schema: { oneOf: [{ $ref: getSchemaPath(SubscriptionChangeResponse) }, { $ref: getSchemaPath(CheckoutResponse) }] },
  })
  @ApiErrors(400, 502)
  upgrade(@CurrentUser() user: AuthUser, @Query() query: UpgradeQuery): Promise<SubscriptionChangeResponse | CheckoutResponse> {
    return this.billing.upgrade(user, query.tier);
  }

  @Public()
  @Post('webhook')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Stripe webhook endpoint',
    description:
      'Verifies Stripe-Signature over the raw body (STRIPE_WEBHOOK_SECRET, 300 s tolerance). ' +
      'Each event id is applied once; an event older than the last one applied changes nothing.',
  })
  @ApiSecurity('stripe-signature')
  @ApiOkResponse({ type: WebhookReceivedResponse })
  @ApiErrors(400, 413, 429, 503)
  async webhook(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<WebhookReceivedResponse> {
    return { received: true, outcome: await this.webhooks.receive(request.rawBody, signature) };
  }
}
