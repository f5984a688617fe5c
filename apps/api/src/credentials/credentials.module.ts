import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { EnvelopeCipher } from '@app/crypto';
import { CredentialsController } from './credentials.controller';
import { CredentialsService } from './credentials.service';

@Module({
  controllers: [CredentialsController],
  providers: [
    CredentialsService,
    { provide: EnvelopeCipher, inject: [AppConfig], useFactory: (config: AppConfig) => new EnvelopeCipher(config.encryptionKeys) },
  ],
  exports: [CredentialsService],
})
export class CredentialsModule {}
