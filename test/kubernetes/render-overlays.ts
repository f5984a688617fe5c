import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const KUBERNETES_DIR = resolve(__dirname, '../../docker/kubernetes');

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One rendered Kubernetes object, read loosely: the schema check says what each kind may hold. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: any;
}

export interface Rendering {
  overlay: string;
  objects: K8sObject[];
  /** What kubectl wrote to stderr (deprecation warnings, for instance). */
  warnings: string;
}

export function overlayNames(): string[] {
  return readdirSync(join(KUBERNETES_DIR, 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** `kubectl kustomize docker/kubernetes/overlays/<overlay>`, parsed. */
export function renderOverlay(overlay: string): Rendering {
  const run = spawnSync('kubectl', ['kustomize', join(KUBERNETES_DIR, 'overlays', overlay)], { encoding: 'utf8' });
  if (run.error) throw new Error(`kubectl could not be run (scripts/test-tools.sh installs it): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`kubectl kustomize overlays/${overlay} failed:\n${run.stderr}`);
  const objects = parseAllDocuments(run.stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(`overlays/${overlay} rendered invalid YAML: ${document.errors[0].message}`);
    return document.toJS() as K8sObject;
  });
  return { overlay, objects, warnings: run.stderr.trim() };
}

/** The kustomize version inside kubectl, e.g. `v5.5.0` (null when kubectl does not say). */
export function kustomizeVersion(): string | null {
  const run = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (run.status !== 0) return null;
  return (JSON.parse(run.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? null;
}
