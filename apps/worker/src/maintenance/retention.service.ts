import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { RetentionPurger, RetentionReport } from '@app/retention';

/** The scheduled side of the purge; `npm run cli -- purge` runs the same RetentionPurger. */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');
  private readonly purger: RetentionPurger;

  constructor(dataSource: DataSource, config: AppConfig) {
    this.purger = new RetentionPurger(dataSource, { batchSize: config.retentionBatchSize, batchPauseMs: config.retentionBatchPauseMs });
  }

  async purge(): Promise<RetentionReport> {
    const report = await this.purger.purge({
      onProgress: (progress) => this.logger.debug(progress, 'retention batch'),
    });
    if (report.skipped) this.logger.log(`Retention purge skipped: ${report.skipped}`);
    else this.logger.log(report, 'retention purge');
    return report;
  }
}
