/** BullMQ queue of a region: `eu-west-1` → `eu-west-1-default`. */
export function regionQueueName(region: string): string {
  return `${region}-default`;
}

/** The region a queue name belongs to, or null when it is not a region queue. */
export function regionOfQueue(queue: string, regions: readonly string[]): string | null {
  return regions.find((region) => regionQueueName(region) === queue) ?? null;
}

/** The queue a worker consumes: `WORKER_QUEUE`, else `WORKER_REGION`'s, else the default region's. */
export function workerQueueName(worker: { queue: string | null; region: string | null }, defaultRegion: string): string {
  return worker.queue ?? regionQueueName(worker.region ?? defaultRegion);
}
