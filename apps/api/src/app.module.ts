import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AdmissionModule } from '@app/admission';
import { AppConfig, ConfigModule } from '@app/config';
import { MetricsModule } from '@app/metrics';
import { DatabaseModule } from '@app/database';
import { httpLoggerOptions, logDestination } from '@app/logging';
import { QueueBackendModule } from '@app/queue-backend';
import { TracingShutdown } from '@app/tracing-sdk';
import { AdminModule } from './admin/admin.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BillingModule } from './billing/billing.module';
import { HttpDrain } from './common/http-drain.service';
import { CredentialsModule } from './credentials/credentials.module';
import { DatabaseMigrator } from './database-migrator';
import { HealthModule } from './health/health.module';
import { ApiMetricsModule } from './metrics/metrics.module';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module';
import { RegionsModule } from './regions/regions.module';
import { SecurityModule } from './security/security.module';
import { TiersModule } from './tiers/tiers.module';
import { UsersModule } from './users/users.module';
import { ExecutionsModule } from './executions/executions.module';
import { RunsModule } from './runs/runs.module';
import { WorkflowsModule } from './workflows/workflows.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot('api'),
        LoggerModule.forRoot({
          pinoHttp: [httpLoggerOptions(config), logDestination()],
          // nestjs-pino's default path ("{/*splat}") matches no request on the Fastify adapter.
          forRoutes: [{ path: '/{*path}', method: RequestMethod.ALL }],
        }),
        DatabaseModule.forRoot('flowline-api'),
        QueueBackendModule.forRoot('flowline-api-queues'),
        AdmissionModule,
        TiersModule,
        SecurityModule,
        RegionsModule,
        AuthModule,
        UsersModule,
        ApiKeysModule,
        AdminModule,
        HealthModule,
        ApiMetricsModule,
        QueueDashboardModule,
        WorkflowsModule,
        RunsModule,
        ExecutionsModule,
        AuditModule,
        CredentialsModule,
        BillingModule,
        AnalyticsModule,
      ],
      providers: [DatabaseMigrator, HttpDrain, TracingShutdown],
    };
  }
}
