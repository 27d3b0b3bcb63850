// A pod's and a node's resources as plain integers (milli-CPU, bytes, counts), parsed once from
// Quantities so that Filter and Score compare numbers, never strings. After kube-scheduler's
// framework.Resource and resource helpers (computePodResourceRequest).
import type { Pod } from 'kubernetes-types/core/v1';
import { Quantity } from '../api/quantity';

export const resourceCPU = 'cpu';
export const resourceMemory = 'memory';
export const resourceEphemeralStorage = 'ephemeral-storage';
export const resourcePods = 'pods';

/** What the scheduler assumes a container without a request uses, for scoring only (pkg/scheduler/util). */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  /** Extended resources (`nvidia.com/gpu`, hugepages…), in whole units; undefined when there are none. */
  scalar: Map<string, number> | undefined;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: undefined };
}

type ResourceList = Record<string, string | number> | undefined;

function quantity(v: string | number): Quantity | undefined {
  return Quantity.tryParse(v);
}

/** Adds a ResourceList into `r` (cpu in milli-units, everything else in whole units). */
export function addResourceList(r: Resource, list: ResourceList, sign = 1): void {
  if (!list) return;
  for (const name of Object.keys(list)) {
    const q = quantity(list[name]!);
    if (!q) continue;
    switch (name) {
      case resourceCPU: r.milliCPU += sign * q.milliValue(); break;
      case resourceMemory: r.memory += sign * q.value(); break;
      case resourceEphemeralStorage: r.ephemeralStorage += sign * q.value(); break;
      case resourcePods: r.allowedPodNumber += sign * q.value(); break;
      default:
        if (!isScalarResourceName(name)) break;
        r.scalar ??= new Map();
        r.scalar.set(name, (r.scalar.get(name) ?? 0) + sign * q.value());
    }
  }
}

/** Extended resources (a domain-prefixed name outside kubernetes.io), hugepages and attachable volumes. */
function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  return name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');
}

function add(into: Resource, r: Resource): void {
  into.milliCPU += r.milliCPU;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  if (r.scalar) for (const [k, v] of r.scalar) (into.scalar ??= new Map()).set(k, (into.scalar.get(k) ?? 0) + v);
}

function setMax(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) for (const [k, v] of r.scalar) (into.scalar ??= new Map()).set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function copy(r: Resource): Resource {
  return { ...r, scalar: r.scalar ? new Map(r.scalar) : undefined };
}

export interface PodRequests {
  /** What NodeResourcesFit checks: the effective request. */
  requests: Resource;
  /** The same with kube-scheduler's defaults for unset cpu and memory requests, for scoring. */
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
}

/**
 * A pod's effective request: the sum of its containers and restartable (sidecar) init containers,
 * or the largest single init container step if that is more, plus the pod overhead.
 * https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers
 */
export function computePodRequests(pod: Pod): PodRequests {
  const spec = pod.spec;
  const reqs = emptyResource();
  const nonZero = { milliCPU: 0, memory: 0 };
  const nonZeroOf = (requests: ResourceList) => {
    const cpu = requests?.[resourceCPU];
    const mem = requests?.[resourceMemory];
    return {
      milliCPU: cpu === undefined ? defaultMilliCPURequest : (quantity(cpu)?.milliValue() ?? 0),
      memory: mem === undefined ? defaultMemoryRequest : (quantity(mem)?.value() ?? 0),
    };
  };
  for (const c of spec?.containers ?? []) {
    const r = emptyResource();
    addResourceList(r, c.resources?.requests as ResourceList);
    add(reqs, r);
    const nz = nonZeroOf(c.resources?.requests as ResourceList);
    nonZero.milliCPU += nz.milliCPU;
    nonZero.memory += nz.memory;
  }
  const sidecars = emptyResource();
  const initMax = emptyResource();
  const sidecarsNonZero = { milliCPU: 0, memory: 0 };
  const initMaxNonZero = { milliCPU: 0, memory: 0 };
  for (const c of spec?.initContainers ?? []) {
    const r = emptyResource();
    addResourceList(r, c.resources?.requests as ResourceList);
    const nz = nonZeroOf(c.resources?.requests as ResourceList);
    let step: Resource;
    let stepNonZero: { milliCPU: number; memory: number };
    if (c.restartPolicy === 'Always') {
      // A sidecar keeps running beside the app containers and every later init container.
      add(reqs, r);
      add(sidecars, r);
      nonZero.milliCPU += nz.milliCPU;
      nonZero.memory += nz.memory;
      sidecarsNonZero.milliCPU += nz.milliCPU;
      sidecarsNonZero.memory += nz.memory;
      step = copy(sidecars);
      stepNonZero = { ...sidecarsNonZero };
    } else {
      step = copy(r);
      add(step, sidecars);
      stepNonZero = { milliCPU: nz.milliCPU + sidecarsNonZero.milliCPU, memory: nz.memory + sidecarsNonZero.memory };
    }
    setMax(initMax, step);
    initMaxNonZero.milliCPU = Math.max(initMaxNonZero.milliCPU, stepNonZero.milliCPU);
    initMaxNonZero.memory = Math.max(initMaxNonZero.memory, stepNonZero.memory);
  }
  setMax(reqs, initMax);
  nonZero.milliCPU = Math.max(nonZero.milliCPU, initMaxNonZero.milliCPU);
  nonZero.memory = Math.max(nonZero.memory, initMaxNonZero.memory);
  if (spec?.overhead) {
    const o = emptyResource();
    addResourceList(o, spec.overhead as ResourceList);
    add(reqs, o);
    nonZero.milliCPU += o.milliCPU;
    nonZero.memory += o.memory;
  }
  return { requests: reqs, nonZeroMilliCPU: nonZero.milliCPU, nonZeroMemory: nonZero.memory };
}
