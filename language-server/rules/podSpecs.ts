// Where rules find pods in an object: the pod spec of a Pod or of a workload's pod template, its
// containers with their paths, and small readers of plain JSON. Shared by the rules about pods.
import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import { isRecord, type PathSegment, valueAt } from '../parsedDocument';
import { podTemplatePath } from '../resourceReferences';
import type { Finding, KubeObject } from './types';

/** Every kind that holds a pod spec (its own or a template's). */
export const podKinds = ['Pod', 'PodTemplate', 'ReplicationController', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;

/** Long-running controllers: probes and spreading matter for them, not for Jobs or bare Pods. */
export const serviceWorkloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

export interface PodSpecAt {
  readonly path: readonly PathSegment[];
  readonly spec: PodSpec;
}

/** The pod spec of `object` and its path, if it has one. */
export function podSpecOf(kind: string, object: KubeObject): PodSpecAt | undefined {
  const path = kind === 'Pod' ? ['spec'] : podTemplatePath(kind)?.concat('spec');
  if (!path) return undefined;
  // The schema is not checked yet: only being a map is assumed, the rules read every field defensively.
  const spec = valueAt(object, path) as PodSpec | undefined;
  return spec && typeof spec === 'object' && !Array.isArray(spec) ? { path, spec } : undefined;
}

export interface ContainerAt {
  readonly path: readonly PathSegment[];
  readonly container: Container;
  /** `container "web"` or `init container "migrate"`, as messages name it. */
  readonly label: string;
}

/**
 * The containers of a pod spec, init containers included unless `regularOnly` (probes, for one,
 * do not apply to init containers).
 */
export function containersOf(pod: PodSpecAt, regularOnly = false): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of regularOnly ? (['containers'] as const) : (['initContainers', 'containers'] as const)) {
    const containers = pod.spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((container, i) => {
      if (!isRecord(container)) return;
      const name = typeof container.name === 'string' ? container.name : String(i);
      out.push({ path: [...pod.path, list, i], container, label: `${list === 'initContainers' ? 'init container' : 'container'} "${name}"` });
    });
  }
  return out;
}


export interface HostPathAt {
  /** The path of the volume's `hostPath.path` field. */
  readonly path: readonly PathSegment[];
  readonly volume: string;
  readonly hostPath: string;
}

/** The `hostPath` volumes of a pod spec, with where each one's node path is written. */
export function hostPathVolumesOf(pod: PodSpecAt): HostPathAt[] {
  const volumes = pod.spec.volumes;
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((volume, i) => {
    const hostPath = volume?.hostPath?.path;
    return typeof hostPath === 'string' ? [{ path: [...pod.path, 'volumes', i, 'hostPath', 'path'], volume: String(volume.name), hostPath }] : [];
  });
}

/**
 * The shape of most container rules: `visit` each container of the object's pod spec (none when it
 * has none), adding its findings to the list returned.
 */
export function findingsPerContainer(kind: string, object: KubeObject, visit: (at: ContainerAt, findings: Finding[]) => void): Finding[] {
  const pod = podSpecOf(kind, object);
  if (!pod) return [];
  const findings: Finding[] = [];
  for (const at of containersOf(pod)) visit(at, findings);
  return findings;
}
