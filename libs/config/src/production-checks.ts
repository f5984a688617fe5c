import type { AppConfig } from './app-config';
import type { EnvReader } from './env-reader';

/**
 * The secret values `.env.example` shows (production-checks.spec holds this list to that file). Public by
 * definition: a deployment that copied them would sign tokens and seal credentials with keys anyone can read.
 */
export const EXAMPLE_JWT_SECRETS: readonly string[] = ['change-me-to-at-least-32-random-characters'];
/** The key material (after `<id>:`) of `.env.example`'s ENCRYPTION_KEYS entries. */
export const EXAMPLE_ENCRYPTION_KEY_MATERIAL: readonly string[] = ['REPLACE_WITH_BASE64_OF_32_RANDOM_BYTES_____='];

/**
 * What production refuses to boot with, each problem naming its setting and never its value: the example's
 * secrets, and /metrics open to anyone without an explicit METRICS_PUBLIC=true.
 */
export function checkProduction(config: AppConfig, rawEncryptionKeys: readonly string[], reader: EnvReader): void {
  if (config.env !== 'production') return;
  if (EXAMPLE_JWT_SECRETS.includes(config.jwt.secret))
    reader.fail('JWT_SECRET', 'is the example value from .env.example; generate a secret (openssl rand -base64 48)');
  rawEncryptionKeys.forEach((entry, index) => {
    const material = entry.slice(entry.indexOf(':') + 1);
    if (EXAMPLE_ENCRYPTION_KEY_MATERIAL.includes(material))
      reader.fail('ENCRYPTION_KEYS', `entry ${index + 1} is the example value from .env.example; generate a key (openssl rand -base64 32)`);
  });
  if (!config.metricsToken && !config.metricsPublic)
    reader.fail('METRICS_TOKEN', 'is required in production (or METRICS_PUBLIC=true to serve /metrics without a token on purpose)');
}
