import type { K8sObject, Rendering } from './render-overlays';
import { Container, podSpecOf } from './pod-config';

/** A Deployment or Job with its pod spec, and the overlay that rendered it. */
export interface Workload {
  overlay: string;
  object: K8sObject;
  pod: Container;
  containers: Container[];
  objects: K8sObject[];
}

export const COMPONENT_LABEL = 'app.kubernetes.io/component';

export function workloads(renderings: Rendering[]): Workload[] {
  return renderings.flatMap(({ overlay, objects }) =>
    objects.flatMap((object) => {
      const pod = podSpecOf(object);
      return pod ? [{ overlay, object, pod, containers: [...(pod.initContainers ?? []), ...(pod.containers ?? [])], objects }] : [];
    }),
  );
}

export function byComponent(renderings: Rendering[], component: string): Workload[] {
  return workloads(renderings).filter(({ object }) => object.metadata.labels?.[COMPONENT_LABEL] === component);
}

export function describe(workload: { overlay: string; object: K8sObject }): string {
  return `overlays/${workload.overlay} ${workload.object.kind}/${workload.object.metadata.name}`;
}

/** A probe's or Service's port, by number or by the container port's name. */
export function containerPortOf(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((candidate: Container) => candidate.name === port)?.containerPort;
}

/** Whether a label selector (matchLabels only, or a Service's plain map) selects pods with these labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** Kubernetes quantities as bytes or cores: `256Mi`, `1G`, `500m`, `2`. */
export function quantity(value: string | number | undefined): number {
  if (value === undefined) return NaN;
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(String(value));
  if (!match) return NaN;
  const factors: Record<string, number> = { m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 };
  return Number(match[1]) * (match[2] ? factors[match[2]] : 1);
}
