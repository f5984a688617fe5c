import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import { ExecutionMaintenanceRepository } from '@app/executions';
import { openQueueConnections } from '@app/queue-backend';
import { RegionQueues, regionQueueName } from '@app/queue-contracts';

/** Queue and region status for operators: what /regions shows, plus executions by status. */
export async function printStatus(config: AppConfig, dataSource: DataSource): Promise<void> {
  const connections = openQueueConnections(config, 'flowline-cli');
  const queues = new RegionQueues(config, connections);
  try {
    console.log('region        queue                 default  workers  waiting  active  failed');
    for (const region of config.regions) {
      const queue = queues.get(region);
      const [workers, counts] = await Promise.all([
        queue.getWorkersCount(),
        queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed'),
      ]);
      const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
      console.log(
        `${region.padEnd(14)}${regionQueueName(region).padEnd(22)}${(region === config.defaultRegion ? 'yes' : 'no').padEnd(9)}${String(workers).padEnd(9)}${String(waiting).padEnd(9)}${String(counts.active ?? 0).padEnd(8)}${counts.failed ?? 0}`,
      );
    }
    const rows = await new ExecutionMaintenanceRepository(dataSource).countByStatus();
    console.log(`executions: ${rows.map((row) => `${row.status} ${row.n}`).join(', ') || 'none'}`);
  } finally {
    await queues.close();
    await connections.close();
  }
}
