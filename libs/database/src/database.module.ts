import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { buildDataSourceOptions } from './data-source-options';
import { ENTITIES } from './entities';
import { SqlPool } from './sql-pool';

@Module({})
export class DatabaseModule {
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions({ url: config.databaseUrl, applicationName, poolSize: config.databasePoolSize }),
            // Connect lazily-tolerant: the app must boot and answer 503 while PostgreSQL is down.
            retryAttempts: 0,
          }),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      providers: [SqlPool],
      exports: [TypeOrmModule, SqlPool],
    };
  }
}
