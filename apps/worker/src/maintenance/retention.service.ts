import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { WindowCounters } from '@app/queue-backend';
import { RetentionPurger, RetentionReport } from '@app/retention';

/** The scheduled side of the purge; `npm run cli -- purge` runs the same RetentionPurger. */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');
  private readonly purger: RetentionPurger;

  constructor(
    dataSource: DataSource,
    config: AppConfig,
    private readonly counters: WindowCounters,
  ) {
    this.purger = new RetentionPurger(dataSource, { batchSize: config.retentionBatchSize, batchPauseMs: config.retentionBatchPauseMs });
  }

  async purge(): Promise<RetentionReport> {
    const report = await this.purger.purge({
      onProgress: (progress) => this.logger.debug(progress, 'retention batch'),
    });
    if (report.skipped) this.logger.log(`Retention purge skipped: ${report.skipped}`);
    else this.logger.log(report, 'retention purge');
    // Rate and login counters whose window ended (single-machine mode keeps them as rows).
    await this.counters.purgeExpired().catch((error: Error) => this.logger.warn(`Expired counters not purged: ${error.message}`));
    return report;
  }
}
