import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { baseLoggerOptions } from '@app/logging';
import { ExecutionProcessor } from './execution.processor';
import { RegionWorkerHost } from './region-worker.host';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({ pinoHttp: baseLoggerOptions(config, 'flowline-worker') }),
        DatabaseModule.forRoot('flowline-worker'),
      ],
      providers: [ExecutionProcessor, RegionWorkerHost],
    };
  }
}
