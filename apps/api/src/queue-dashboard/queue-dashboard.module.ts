import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull-shared';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@app/config';
import { RegionQueues, regionQueueName } from '@app/queue-contracts';
import { AuditService } from '../audit/audit.service';
import { AuthModule } from '../auth/auth.module';
import { AuthUsersLoader } from '../auth/auth-users.loader';
import { adminGate } from './admin-gate';
import { QueueDashboardController } from './queue-dashboard.controller';

/** Exposes the region queues under @nestjs/bullmq's tokens, which bull-board looks up. */
@Global()
@Module({})
class QueueTokensModule {
  static forRegions(regions: readonly string[]): DynamicModule {
    const providers = regions.map((region) => ({
      provide: getQueueToken(regionQueueName(region)),
      inject: [RegionQueues],
      useFactory: (queues: RegionQueues) => queues.get(region),
    }));
    return { module: QueueTokensModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}

@Module({})
export class QueueDashboardModule {
  static forRegions(regions: readonly string[]): DynamicModule {
    return {
      module: QueueDashboardModule,
      imports: [
        AuthModule,
        QueueTokensModule.forRegions(regions),
        BullBoardModule.forRootAsync({
          imports: [AuthModule],
          inject: [JwtService, AuthUsersLoader, AppConfig, AuditService],
          useFactory: (jwt: JwtService, users: AuthUsersLoader, config: AppConfig, audit: AuditService) => ({
            route: '/admin/queues',
            adapter: FastifyAdapter,
            middleware: adminGate(jwt, users, config, audit),
            boardOptions: { uiConfig: { boardTitle: 'Flowline queues' } },
          }),
        }),
        BullBoardModule.forFeature(...regions.map((region) => ({ name: regionQueueName(region), adapter: BullMQAdapter }))),
      ],
      controllers: [QueueDashboardController],
    };
  }
}
