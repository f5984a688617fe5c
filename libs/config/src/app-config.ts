export type NodeEnv = 'development' | 'production' | 'test';
export type BillingProvider = 'mock' | 'stripe';
/** Where queues, events and counters live: Redis (at scale) or PostgreSQL alone (single-machine mode). */
export type QueueBackend = 'redis' | 'postgres';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Sign-in with an OpenID Connect provider; all four settings or none. */
export interface OidcConfig {
  /** `OIDC_ISSUER`: the provider's issuer URL, discovered lazily at the first sign-in. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** `OIDC_REDIRECT_URL`: this api's `/auth/oidc/callback` as the provider reaches the browser back. */
  readonly redirectUrl: string;
}

/** `OTEL_EXPORTER_OTLP_PROTOCOL` (or its traces-only form). */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** OpenTelemetry tracing, on when an OTLP endpoint is set; the SDK reads the other OTEL_* settings itself. */
export interface TracingConfig {
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  /** `OTEL_SERVICE_NAME`; null: each app names itself (flowline-api, flowline-worker). */
  readonly serviceName: string | null;
}

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The one validated settings object; injected by its class token. */
export abstract class AppConfig {
  abstract readonly env: NodeEnv;
  abstract readonly port: number;
  /** api processes sharing PORT (node:cluster); 1 runs the api in this process. */
  abstract readonly apiProcesses: number;
  abstract readonly publicUrl: string;
  abstract readonly databaseUrl: string;
  abstract readonly migrationsRun: boolean;
  /** PostgreSQL connections per process (api or worker). */
  abstract readonly databasePoolSize: number;
  /** `QUEUE_BACKEND`; default `redis` when `REDIS_URL` is set, else `postgres`. */
  abstract readonly queueBackend: QueueBackend;
  /** `REDIS_CLUSTER`: every Redis URL setting is a comma list of seed nodes of a Redis Cluster. */
  abstract readonly redisCluster: boolean;
  /** The main Redis (maintenance queue, events, counters); on a cluster, its seed URLs joined by commas. */
  abstract readonly redisUrl: string;
  /** Prefix of every Redis key this deployment writes (queues, counters). */
  abstract readonly redisKeyPrefix: string;
  abstract readonly regions: readonly string[];
  abstract readonly defaultRegion: string;
  /** Redis URL (on a cluster, seed URLs) of each region's queue: `REDIS_URL_<REGION>` or `REDIS_URL`. */
  abstract readonly regionRedisUrls: Readonly<Record<string, string>>;
  abstract readonly worker: {
    readonly region: string | null;
    readonly queue: string | null;
    readonly concurrency: number;
    readonly shutdownGraceMs: number;
    readonly httpPort: number;
    /** BullMQ lock duration and stalled-check interval: how fast a dead worker's job is picked up again. */
    readonly lockMs: number;
  };
  abstract readonly jwt: {
    readonly secret: string;
    readonly expiresIn: string;
    readonly expiresInSeconds: number;
    readonly issuer: string;
    readonly audience: string;
  };
  abstract readonly encryptionKeys: readonly EncryptionKey[];
  abstract readonly admin: { readonly email: string; readonly password: string } | null;
  abstract readonly billing: {
    readonly provider: BillingProvider;
    readonly stripeSecretKey: string | null;
    readonly stripeWebhookSecret: string | null;
    readonly pricePro: string | null;
    readonly priceEnterprise: string | null;
    readonly apiHost: string | null;
    readonly apiPort: number | null;
    readonly apiProtocol: 'http' | 'https' | null;
    /** Where Stripe Checkout sends the customer back after paying or giving up. */
    readonly successUrl: string;
    readonly cancelUrl: string;
    /** How often the api looks for past-due subscriptions whose paid period has ended. */
    readonly pastDueSweepMs: number;
  };
  abstract readonly httpStepAllowPrivate: boolean;
  abstract readonly logLevel: LogLevel;
  /** Requests per minute per client IP for callers no valid credential vouches for (users are limited by their tier). */
  abstract readonly anonymousRequestsPerMinute: number;
  abstract readonly corsOrigins: readonly string[];
  abstract readonly trustProxy: boolean | number;
  abstract readonly executionTimeoutMs: number;
  abstract readonly metricsToken: string | null;
  /** Production serves /metrics without METRICS_TOKEN only when this says so. */
  abstract readonly metricsPublic: boolean;
  abstract readonly retentionCron: string;
  /** Rows deleted per retention transaction, so no purge holds locks for long. */
  abstract readonly retentionBatchSize: number;
  /** Pause between retention batches, leaving room for live traffic. */
  abstract readonly retentionBatchPauseMs: number;
  /** How often workers look for orphaned runs and start waiting ones. */
  abstract readonly reconcileIntervalMs: number;
  /** A queued run with no job is re-enqueued once it is this old (younger ones may still be on their way to the queue). */
  abstract readonly reconcileQueuedAgeMs: number;
  abstract readonly auditRetentionDays: number;
  /** Null unless OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URL are all set. */
  abstract readonly oidc: OidcConfig | null;
  /** `SSO_ENFORCED_DOMAINS`, lower case: emails of these domains may not register or sign in with a password. */
  abstract readonly ssoEnforcedDomains: readonly string[];
  /** Null unless OTEL_EXPORTER_OTLP_ENDPOINT is set (see README "Traces (OpenTelemetry)"). */
  abstract readonly tracing: TracingConfig | null;
  abstract readonly loginProtection: {
    readonly windowSeconds: number;
    readonly maxFailuresPerEmail: number;
    readonly maxFailuresPerIp: number;
  };
}
