import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { MiddlewareConsumer, Module, NestModule, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { RegionQueues } from '@app/queue-contracts';
import { AuthModule } from '../auth/auth.module';
import { AdminGateMiddleware } from './admin-gate';
import { QueueDashboardController } from './queue-dashboard.controller';

export const DASHBOARD_ROUTE = '/admin/queues';

/** bull-board for the region queues at /admin/queues, every page and API call behind the admin gate. */
@Module({
  imports: [AuthModule],
  controllers: [QueueDashboardController],
  providers: [AdminGateMiddleware],
})
export class QueueDashboardModule implements NestModule, OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: RegionQueues,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AdminGateMiddleware).forRoutes(DASHBOARD_ROUTE, `${DASHBOARD_ROUTE}/{*path}`);
  }

  onModuleInit(): void {
    const board = new FastifyAdapter();
    board.setBasePath(DASHBOARD_ROUTE);
    createBullBoard({
      queues: this.queues.entries().map(([, queue]) => new BullMQAdapter(queue)),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Flowline queues' } },
    });
    void this.adapterHost.httpAdapter.getInstance<FastifyInstance>().register(board.registerPlugin(), { prefix: DASHBOARD_ROUTE });
  }
}
