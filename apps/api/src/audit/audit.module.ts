import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { RequestContextInterceptor } from './request-context.interceptor';

/** Global: every domain records its events through AuditService without importing this module. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor }],
  exports: [AuditService],
})
export class AuditModule {}
