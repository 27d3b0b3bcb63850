// A cluster with a running scheduler: nodes created through the API as a kubelet would register
// them (allocatable and a Ready condition in status), and a way to let the cluster settle.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { groups, users } from '../../../engine/apiserver/auth/user';
import { Scheduler, type SchedulerOptions } from '../../../engine/scheduler/index';
import { Random } from '../../../engine/util/random';
import { newCluster, pods } from '../apiserver/fixture';

export const nodes = { group: '', version: 'v1', resource: 'nodes' } as const;
export const events = { group: '', version: 'v1', resource: 'events' } as const;

export interface NodeShape {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
}

export async function schedulerCluster(options: Partial<SchedulerOptions> = {}) {
  const c = await newCluster();
  await c.namespace('shop');
  const client = c.as({ name: users.scheduler, groups: [groups.authenticated] });
  const scheduler = new Scheduler({ client, clock: c.clock, random: new Random(3), ...options });

  const addNode = async (name: string, shape: NodeShape = {}) => {
    const spec: Obj = {};
    if (shape.taints) spec.taints = shape.taints;
    if (shape.unschedulable) spec.unschedulable = true;
    await c.client.create(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(shape.labels ?? {}) } }, spec });
    const resources = { cpu: shape.cpu ?? '4', memory: shape.memory ?? '8Gi', pods: shape.pods ?? '110' };
    const now = new Date(c.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status = {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
    };
    await c.client.patch(nodes, undefined, name, 'merge', { status }, {}, 'status');
  };

  const createPod = async (manifest: Obj) => (await c.client.create(pods, 'shop', manifest)).object as Pod;
  const getPod = (name: string) => c.client.get(pods, 'shop', name) as Pod;
  const getNode = (name: string) => c.client.get(nodes, undefined, name) as Node;
  const eventsFor = (name: string) => (c.client.list(events, 'shop').items as Obj[]).filter((e) => e.involvedObject?.name === name);

  /** Lets watches, scheduling and bindings run until `done` holds (no time passes on the clock). */
  const until = async (done: () => boolean, what = 'the condition') => {
    for (let i = 0; i < 500; i++) {
      if (done()) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  /** Lets everything in flight finish. */
  const settle = async () => {
    for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const scheduledTo = async (name: string) => {
    await until(() => !!getPod(name).spec?.nodeName, `${name} to be scheduled`);
    return getPod(name).spec!.nodeName!;
  };

  return { ...c, scheduler, addNode, createPod, getPod, getNode, eventsFor, until, settle, scheduledTo };
}

/** A pod in namespace shop with one container requesting `requests`. */
export function podWith(name: string, requests: Record<string, string> = {}, spec: Obj = {}, labels: Record<string, string> = { app: 'web' }): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests } }], ...spec },
  };
}
