import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AdmissionModule } from '@app/admission';
import { AppConfig, ConfigModule } from '@app/config';
import { EnvelopeCipher } from '@app/crypto';
import { MetricsModule } from '@app/metrics';
import { DatabaseModule } from '@app/database';
import { baseLoggerOptions, logDestination } from '@app/logging';
import { QueueBackendModule } from '@app/queue-backend';
import { TracingShutdown } from '@app/tracing-sdk';
import { CancelListener } from './cancel-listener.service';
import { CredentialResolver } from './credential-resolver';
import { ExecutionProcessor } from './execution.processor';
import { MaintenanceScheduler } from './maintenance/maintenance.scheduler';
import { FairShareRebase } from './maintenance/fair-share-rebase.service';
import { Reconciler } from './maintenance/reconciler.service';
import { RetentionService } from './maintenance/retention.service';
import { queueConsumers } from './queue-consumers';
import { ScheduledTickHandler } from './scheduled-tick.handler';
import { WorkerHttpServer } from './worker-http.server';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const consumers = queueConsumers(config);
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot('worker'),
        LoggerModule.forRoot({ pinoHttp: [baseLoggerOptions(config, 'flowline-worker'), logDestination()] }),
        DatabaseModule.forRoot('flowline-worker'),
        QueueBackendModule.forRoot('flowline-worker-queues'),
        AdmissionModule,
        ...consumers.imports,
      ],
      providers: [
        { provide: EnvelopeCipher, inject: [AppConfig], useFactory: (config: AppConfig) => new EnvelopeCipher(config.encryptionKeys) },
        CredentialResolver,
        CancelListener,
        ExecutionProcessor,
        ScheduledTickHandler,
        WorkerHttpServer,
        Reconciler,
        FairShareRebase,
        RetentionService,
        MaintenanceScheduler,
        TracingShutdown,
        ...consumers.providers,
      ],
    };
  }
}
