// One informer per resource for the whole controller manager, shared by every controller that
// reads that resource (client-go's SharedInformerFactory): one list+watch and one cache per resource,
// with the indexes every controller looks things up by (namespace, owner uid, controller uid).
import type { ApiClient, ResourceType } from '../../apiserver/client';
import type { Obj } from '../../apiserver/registry/strategy';
import { byControllerUid, byNamespace, byOwnerUid, type IndexFunc } from '../../client/indexer';
import { Informer } from '../../client/informer';
import type { Clock } from '../../util/clock';

/** Index names every shared informer carries. */
export const indexes = {
  namespace: 'namespace',
  ownerUid: 'ownerUid',
  controllerUid: 'controllerUid',
  /** Objects without a controller, by namespace: the candidates a controller may adopt. */
  orphanNamespace: 'orphanNamespace',
  /** Pods by the node they are bound to. */
  nodeName: 'nodeName',
} as const;

const byNodeName: IndexFunc<Obj> = (obj) => (obj.spec?.nodeName ? [obj.spec.nodeName] : []);
const orphansByNamespace: IndexFunc<Obj> = (obj) => ((obj.metadata?.ownerReferences ?? []).some((r: Obj) => r.controller) ? [] : [obj.metadata?.namespace ?? '']);

export const resources = {
  pods: { group: '', version: 'v1', resource: 'pods' },
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts' },
  configmaps: { group: '', version: 'v1', resource: 'configmaps' },
  events: { group: '', version: 'v1', resource: 'events' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  replicationcontrollers: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  controllerrevisions: { group: 'apps', version: 'v1', resource: 'controllerrevisions' },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  poddisruptionbudgets: { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' },
  resourcequotas: { group: '', version: 'v1', resource: 'resourcequotas' },
  services: { group: '', version: 'v1', resource: 'services' },
  secrets: { group: '', version: 'v1', resource: 'secrets' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs' },
  persistentvolumeclaims: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  persistentvolumes: { group: '', version: 'v1', resource: 'persistentvolumes' },
  storageclasses: { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' },
  certificatesigningrequests: { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' },
} as const satisfies Record<string, ResourceType>;

export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<Obj>>();
  private started = false;

  constructor(private readonly client: ApiClient, private readonly clock: Clock) {}

  /**
   * The informer of `type`, created on first use; informers asked for after start() start at once.
   * With `fieldSelector`, one of only the objects it selects (the tokens controller's Secrets of one
   * type), shared by whoever asks for the same selector.
   */
  informerFor(type: ResourceType, fieldSelector?: string): Informer<Obj> {
    const key = `${type.group}/${type.version}/${type.resource}${fieldSelector ? `?${fieldSelector}` : ''}`;
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer<Obj>(this.client.listerWatcher<Obj>(type, undefined, { trimManagedFields: true, ...(fieldSelector ? { fieldSelector } : {}) }), {
        clock: this.clock,
        indexers: { [indexes.namespace]: byNamespace, [indexes.ownerUid]: byOwnerUid, [indexes.controllerUid]: byControllerUid, [indexes.orphanNamespace]: orphansByNamespace, [indexes.nodeName]: byNodeName },
      });
      this.informers.set(key, informer);
      if (this.started) informer.start();
    }
    return informer;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Resolves once every informer created so far has its first list in its cache. */
  async waitForCacheSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  stop(): void {
    this.started = false;
    for (const informer of this.informers.values()) informer.stop();
  }
}
