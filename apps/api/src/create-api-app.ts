import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@app/config';
import { AppModule } from './app.module';
import { setupApp } from './setup-app';

export async function createApiApp(config: AppConfig): Promise<NestExpressApplication> {
  // The body parser is Nest middleware (JsonBodyMiddleware) so its errors reach the exception filter.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  setupApp(app, config);
  return app;
}
