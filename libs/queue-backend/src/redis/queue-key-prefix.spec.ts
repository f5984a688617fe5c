import { QueueKeys } from 'bullmq';
import { queueKeyPrefix } from './queue-key-prefix';

/** What Redis Cluster hashes: the text inside the first `{…}` when it is not empty, else the whole key. */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** Every key BullMQ builds for a queue, as its scripts name them (the queue's own ones and a job's). */
function bullmqKeys(prefix: string, queueName: string): string[] {
  const keys = new QueueKeys(prefix);
  return [...Object.values(keys.getKeys(queueName)), keys.toKey(queueName, 'job-1'), keys.toKey(queueName, 'repeat:reconcile')];
}

describe('queueKeyPrefix', () => {
  it('on a single Redis keeps the deployment prefix as it was, so existing queues keep their keys', () => {
    expect(queueKeyPrefix('flowline', 'eu-west-1-default', false)).toBe('flowline');
    expect(bullmqKeys(queueKeyPrefix('flowline', 'eu-west-1-default', false), 'eu-west-1-default')).toContain(
      'flowline:eu-west-1-default:wait',
    );
  });

  it('on a cluster gives every key of one queue the same hash tag, deployment and queue', () => {
    const prefix = queueKeyPrefix('flowline', 'eu-west-1-default', true);
    expect(prefix).toBe('{flowline:eu-west-1-default}');
    const hashed = new Set(bullmqKeys(prefix, 'eu-west-1-default').map(hashedPart));
    expect([...hashed]).toEqual(['flowline:eu-west-1-default']);
  });

  it('on a cluster hashes each queue (and each deployment sharing the cluster) apart, so they spread over the nodes', () => {
    const tags = [
      ['flowline', 'us-east-1-default'],
      ['flowline', 'eu-west-1-default'],
      ['flowline', 'maintenance'],
      ['staging', 'maintenance'],
    ].map(([deployment, queue]) => hashedPart(`${queueKeyPrefix(deployment, queue, true)}:${queue}:wait`));
    expect(new Set(tags).size).toBe(4);
  });
});
