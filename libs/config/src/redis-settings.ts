import { EnvReader } from './env-reader';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const REDIS_PROTOCOLS = ['redis:', 'rediss:'];

/** `eu-west-1` → `REDIS_URL_EU_WEST_1` */
export function regionRedisSetting(region: string): string {
  return `REDIS_URL_${region.toUpperCase().replace(/-/g, '_')}`;
}

export interface RedisSettings {
  redisCluster: boolean;
  redisUrl: string;
  regionRedisUrls: Record<string, string>;
  redisKeyPrefix: string;
}

/**
 * `REDIS_URL`, each region's `REDIS_URL_<REGION>` (default: `REDIS_URL`), `REDIS_KEY_PREFIX` and `REDIS_CLUSTER`.
 * With `REDIS_CLUSTER=true` each URL setting is a comma list of seed nodes of one Redis Cluster.
 */
export function parseRedisSettings(reader: EnvReader, regions: readonly string[]): RedisSettings {
  const redisCluster = reader.bool('REDIS_CLUSTER', false);
  const redisUrl = redisUrlSetting(reader, 'REDIS_URL', DEFAULT_REDIS_URL, redisCluster);
  const regionRedisUrls: Record<string, string> = {};
  for (const region of regions) {
    const setting = regionRedisSetting(region);
    regionRedisUrls[region] = reader.raw(setting) ? redisUrlSetting(reader, setting, redisUrl, redisCluster) : redisUrl;
  }
  const redisKeyPrefix = reader.string('REDIS_KEY_PREFIX', 'flowline');
  // The queues' hash tags are built from it (`{<prefix>:<queue>}`): a brace inside would end the tag early.
  if (redisCluster && /[{}]/.test(redisKeyPrefix)) reader.fail('REDIS_KEY_PREFIX', 'may not contain { or } when REDIS_CLUSTER=true');
  return { redisCluster, redisUrl, regionRedisUrls, redisKeyPrefix };
}

/** One URL; on a cluster, one or more seed URLs sharing scheme and credentials (they name the same cluster). Never echoes a value. */
function redisUrlSetting(reader: EnvReader, name: string, fallback: string, cluster: boolean): string {
  const value = reader.raw(name) ?? fallback;
  const seeds = value.split(',').map((seed) => seed.trim());
  if (seeds.length > 1 && !cluster) {
    reader.fail(name, 'is a comma list: several seed nodes need REDIS_CLUSTER=true');
    return value;
  }
  const parsed: URL[] = [];
  for (const seed of seeds) {
    try {
      parsed.push(new URL(seed));
    } catch {
      reader.fail(name, seeds.length > 1 ? 'must be a comma list of valid URLs' : 'must be a valid URL');
      return value;
    }
  }
  if (parsed.some((url) => !REDIS_PROTOCOLS.includes(url.protocol))) {
    reader.fail(name, `must be a URL starting with ${REDIS_PROTOCOLS.join(' or ')}`);
  } else if (cluster && parsed.some((url) => !['', '/', '/0'].includes(url.pathname))) {
    reader.fail(name, 'may not name a database: a Redis Cluster has only database 0');
  } else if (cluster && new Set(parsed.map((url) => `${url.protocol}${url.username}:${url.password}`)).size > 1) {
    reader.fail(name, 'seed nodes must share one scheme, user and password');
  }
  return seeds.join(',');
}
