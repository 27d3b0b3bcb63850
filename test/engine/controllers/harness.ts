// A cluster with the controller manager running on a virtual clock, and a stand-in for the
// scheduler and kubelet: pods only start when a test says so, through the same API calls a
// scheduler (pods/binding) and a kubelet (pods/status, final delete) make.
import { groups, users } from '../../../engine/apiserver/auth/user';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { ControllerManager } from '../../../engine/controllers/index';
import { Random } from '../../../engine/util/random';
import { newCluster, pods, serviceaccounts } from '../apiserver/fixture';

export const apps = { group: 'apps', version: 'v1' } as const;
export const replicasets = { ...apps, resource: 'replicasets' };
export const deploymentsType = { ...apps, resource: 'deployments' };
export const events = { group: '', version: 'v1', resource: 'events' };

/**
 * The stand-in kubelet binds pods to nodes it never registers (`node-1`), so the pod garbage
 * collector, which deletes pods of nodes that do not exist, is left out unless a test asks for it.
 */
export async function newControllerCluster(options: { rootCA?: string; disabled?: readonly string[]; terminatedPodGCThreshold?: number; tokens?: boolean } = {}) {
  const cluster = await newCluster();
  const { clock, client, as } = cluster;
  // With `tokens`, the tokens controller signs with the API server's service account key.
  const { tokens, ...rest } = options;
  const manager = new ControllerManager({ client: as({ name: users.controllerManager, groups: [groups.authenticated] }), clock, random: new Random(11), disabled: ['pod-garbage-collector'], ...rest, ...(tokens ? { serviceAccountTokens: cluster.server.serviceAccountTokens } : {}) });
  await manager.start();

  /** Lets promise work run and the clock move in small steps until `cond` holds (or fails after `ms`). */
  const until = async (what: string, cond: () => boolean, ms = 10_000) => {
    const deadline = clock.now() + ms;
    for (;;) {
      for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
      if (cond()) return;
      if (clock.now() >= deadline) throw new Error(`timed out waiting until ${what}`);
      clock.advance(10);
    }
  };
  /** Lets the cluster run for `ms` of virtual time. */
  const run = async (ms: number) => {
    const end = clock.now() + ms;
    while (clock.now() < end) {
      for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
      clock.advance(Math.min(10, end - clock.now()));
    }
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  };

  // The ServiceAccount controller gives `default` its service account; pods need it.
  await until('the default service account exists', () => !!client.tryGet(serviceaccounts, 'default', 'default'));

  const list = (type: { group: string; version: string; resource: string }, namespace = 'default'): Obj[] => client.list(type, namespace).items;
  const podsOf = (namespace = 'default') => list(pods, namespace);
  const activePods = (namespace = 'default') => podsOf(namespace).filter((p) => !p.metadata.deletionTimestamp);

  /**
   * The scheduler and kubelet of node `node`: binds every unscheduled pod there, reports it Running
   * and Ready, and finishes the graceful deletion of pods being deleted (containers stopped).
   * Returns how many pods it started.
   */
  const kubeletSync = async (namespace = 'default', node = 'node-1', limit = Infinity) => {
    let started = 0;
    for (const pod of podsOf(namespace)) {
      const name = pod.metadata.name;
      // A DaemonSet pod names its node in a metadata.name affinity term; anything else goes to `node`.
      const pinned = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
      const target: string = pod.spec.nodeName || pinned || node;
      const kubelet = cluster.kubelet(target);
      if (pod.metadata.deletionTimestamp) {
        if (pod.spec.nodeName) await kubelet.delete(pods, namespace, name, { gracePeriodSeconds: 0 });
        continue;
      }
      if (pod.status?.phase === 'Running' || started >= limit) continue;
      started++;
      if (!pod.spec.nodeName) await client.create(pods, namespace, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: target } }, {}, { name, subresource: 'binding' });
      const fresh = client.get(pods, namespace, name);
      const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
      await kubelet.update(pods, namespace, {
        ...fresh,
        status: {
          ...fresh.status,
          phase: 'Running',
          conditions: [...(fresh.status.conditions ?? []).filter((c: Obj) => c.type === 'PodScheduled'), condition('Initialized'), condition('ContainersReady'), condition('Ready')],
          hostIP: '10.0.0.1',
          podIP: `10.244.0.${started + 1}`,
          startTime: now,
          containerStatuses: fresh.spec.containers.map((c: Obj) => ({ name: c.name, image: c.image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } })),
        },
      }, {}, 'status');
    }
    return started;
  };

  return { ...cluster, manager, until, run, list, podsOf, activePods, kubeletSync };
}

export function replicaSet(name: string, replicas: number, extra: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      ...extra,
    },
  };
}
