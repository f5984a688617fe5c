/** One queue on the main Redis for housekeeping; its job schedulers make sure one run at a time across all workers. */
export const MAINTENANCE_QUEUE = 'maintenance';

export enum MaintenanceJob {
  Reconcile = 'reconcile',
  /** Deletes data past its retention (libs/retention); schedule from RETENTION_CRON. */
  Retention = 'retention',
}
