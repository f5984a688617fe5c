import type { AppConfig } from '../../libs/config/src/app-config';
import type { RawEnv } from '../../libs/config/src/env-reader';
import { parseConfig } from '../../libs/config/src/load-config';
import type { K8sObject } from './render-overlays';

/** The Secret the manifests reference and the README has operators create; none is committed. */
export const SETTINGS_SECRET = 'flowline-secrets';

/** Values standing in for `flowline-secrets` (the keys the README's `kubectl create secret` sets). */
export const SECRET_PLACEHOLDERS: RawEnv = {
  DATABASE_URL: 'postgres://flowline:placeholder@postgresql:5432/flowline',
  REDIS_URL: 'redis://redis:6379',
  JWT_SECRET: 'placeholder-placeholder-placeholder-placeholder',
  ENCRYPTION_KEYS: `v1:${Buffer.alloc(32, 7).toString('base64')}`,
  METRICS_TOKEN: 'placeholder-metrics-token',
};

export type Container = Record<string, any>;

export function podSpecOf(object: K8sObject): Container | undefined {
  if (object.kind === 'Deployment' || object.kind === 'Job') return object.spec?.template?.spec;
  return undefined;
}

/**
 * The environment a container starts with, as the kubelet builds it: envFrom in order, then env. A Secret's keys
 * come from the placeholders above; an optional secretKeyRef is left out (it may be absent).
 */
export function containerEnv(container: Container, objects: K8sObject[]): { env: RawEnv; problems: string[] } {
  const env: RawEnv = {};
  const problems: string[] = [];
  const configMap = (name: string) => objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name);
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const found = configMap(source.configMapRef.name);
      if (found) Object.assign(env, found.data);
      else problems.push(`${container.name}: envFrom names ConfigMap ${source.configMapRef.name}, which is not rendered`);
    } else if (source.secretRef?.name === SETTINGS_SECRET) {
      Object.assign(env, SECRET_PLACEHOLDERS);
    } else {
      problems.push(`${container.name}: envFrom names an unexpected source ${JSON.stringify(source)}`);
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = String(variable.value);
    else if (variable.valueFrom?.configMapKeyRef)
      env[variable.name] = configMap(variable.valueFrom.configMapKeyRef.name)?.data?.[variable.valueFrom.configMapKeyRef.key];
    else if (variable.valueFrom?.secretKeyRef && !variable.valueFrom.secretKeyRef.optional) env[variable.name] = 'placeholder';
  }
  return { env, problems };
}

/** The validated config the container's process would boot with (throws the loader's own error otherwise). */
export function containerConfig(container: Container, objects: K8sObject[]): AppConfig {
  const { env, problems } = containerEnv(container, objects);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return parseConfig(env);
}
