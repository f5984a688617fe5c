import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { BillingController } from './billing.controller';
import { BillingService } from './billing.service';
import { PastDueSweeper } from './past-due.sweeper';
import { StripeGateway } from './stripe.gateway';
import { StripeWebhooksService } from './stripe-webhooks.service';
import { SubscriptionChangesService } from './subscription-changes.service';

@Module({
  imports: [WorkflowsModule],
  controllers: [BillingController],
  providers: [BillingService, SubscriptionChangesService, StripeGateway, StripeWebhooksService, PastDueSweeper],
  exports: [SubscriptionChangesService],
})
export class BillingModule {}
