/**
 * BullMQ's key prefix for one queue. BullMQ names a queue's keys `<prefix>:<queue>:<suffix>` and its scripts
 * touch several of them at once, which a Redis Cluster allows only within one hash slot. On a cluster the
 * prefix is therefore a hash tag naming the deployment and the queue, `{<keyPrefix>:<queue>}`: every key of a
 * queue lands in one slot, and the queues (one per region, and maintenance) land in different ones, spread
 * over the nodes. On a single Redis the keys stay `<keyPrefix>:<queue>:…`: renaming them would orphan the
 * jobs and job schedulers of every running deployment.
 */
export function queueKeyPrefix(keyPrefix: string, queueName: string, cluster: boolean): string {
  return cluster ? `{${keyPrefix}:${queueName}}` : keyPrefix;
}
