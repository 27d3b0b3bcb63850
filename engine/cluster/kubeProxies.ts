// Whether each node's kube-proxy runs, and the rules it left behind where it stopped. kube-proxy
// programs a node's IPVS and iptables rules from the Services and EndpointSlices it watches; when
// its process ends (its pod deleted, its container crashed, the DaemonSet gone or no longer placing
// a pod there) the rules stay as they were, and the node goes on routing by them: a Service created
// since gets no rule there, and a pod gone since is still a target. The service proxy routes from
// such a node by the rules kept here; a node whose kube-proxy runs by the objects; and a node where
// none has run yet (one that joined a moment ago, one the DaemonSet does not place) by no rule at
// all: Service addresses, node ports and the cluster DNS do not answer there. A cluster without the
// addon routes by the objects everywhere, as if a replacement did kube-proxy's work. One
// simplification: the rules are kept in memory, so a cluster started again routes by the rules of
// the kube-proxies it finds running, and none elsewhere until theirs run.
import type { Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { ApiClient } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { type ProgrammedRules, serviceNameLabel } from '../network/serviceProxy';

const pods = { group: '', version: 'v1', resource: 'pods' };
const services = { group: '', version: 'v1', resource: 'services' };
const endpointSlices = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };

/** The kube-proxy addon's pods (the DaemonSet's selector). */
export const kubeProxySelector = 'k8s-app=kube-proxy';

/** A kube-proxy pod whose every container is running: its process programs the node's rules. */
function proxying(pod: Obj): boolean {
  const statuses: Obj[] = pod.status?.containerStatuses ?? [];
  return pod.status?.phase === 'Running' && statuses.length > 0 && statuses.every((c) => c.state?.running !== undefined);
}

/** A node where no kube-proxy has run: no Service, and so no endpoint, is programmed. */
const nothingProgrammed: ProgrammedRules = { services: () => [], endpointSlices: () => [], never: true };

export class KubeProxies {
  /** kube-proxy pods proxying now, by node, by pod uid. */
  private readonly running = new Map<string, Set<string>>();
  /** The rules left on nodes whose kube-proxy stopped. */
  private readonly left = new Map<string, ProgrammedRules>();
  /** Nodes where a kube-proxy has run at some point. */
  private readonly ran = new Set<string>();
  /** The last rules read, and the store revision they are of: kube-proxies that stop together share them. */
  private lastRead: { revision: number; rules: ProgrammedRules } | undefined;
  private watch: { stop(): void } | undefined;
  private stopped = false;

  /**
   * Follows the kube-proxy pods (those there now first) through `client`, which reads Services and
   * EndpointSlices when one stops; `revision` is the store's current revision. Without the addon
   * (`addon` false), a node where none has run routes by the objects, as if a replacement (Cilium's,
   * say) did kube-proxy's work there.
   */
  constructor(
    private readonly client: ApiClient,
    private readonly revision: () => number,
    private readonly addon = true,
  ) {
    this.follow();
  }

  /** The rules a node's stopped kube-proxy left, none where no kube-proxy has run, or undefined while one runs. */
  rulesOf(node: string): ProgrammedRules | undefined {
    return this.left.get(node) ?? (this.ran.has(node) || !this.addon ? undefined : nothingProgrammed);
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
  }

  /**
   * Watches the kube-proxy pods. A watch the server ends is started again from the pods as they are
   * then (they come as ADDED), so what ran is forgotten first; rules already left stay.
   */
  private follow(): void {
    this.watch = this.client.watch(
      pods,
      'kube-system',
      { labelSelector: kubeProxySelector, trimManagedFields: true },
      (e) => {
        if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
        this.observe(e.object as Obj, e.type === 'DELETED');
      },
      () => {
        if (this.stopped) return;
        this.running.clear();
        queueMicrotask(() => this.stopped || this.follow());
      },
    );
  }

  private observe(pod: Obj, deleted: boolean): void {
    const node: string | undefined = pod.spec?.nodeName;
    if (!node) return;
    const uid: string = pod.metadata.uid;
    let onNode = this.running.get(node);
    const was = !!onNode?.size;
    if (!deleted && proxying(pod)) (onNode ??= this.running.set(node, new Set()).get(node)!).add(uid);
    else onNode?.delete(uid);
    const now = !!onNode?.size;
    if (now) this.ran.add(node);
    if (now && !was) this.left.delete(node);
    else if (was && !now) this.left.set(node, this.programmed());
  }

  /**
   * The rules as the objects say now: what a kube-proxy that ran until now programmed. Read once per
   * store revision, without managedFields (kube-proxy's informers drop them too), and shared.
   */
  private programmed(): ProgrammedRules {
    const revision = this.revision();
    if (this.lastRead?.revision === revision) return this.lastRead.rules;
    const serviceList = this.client.list(services, undefined, { trimManagedFields: true }).items as Service[];
    const slices = new Map<string, EndpointSlice[]>();
    for (const slice of this.client.list(endpointSlices, undefined, { trimManagedFields: true }).items as EndpointSlice[]) {
      const key = `${slice.metadata?.namespace}/${slice.metadata?.labels?.[serviceNameLabel]}`;
      const list = slices.get(key);
      if (list) list.push(slice);
      else slices.set(key, [slice]);
    }
    const rules: ProgrammedRules = { services: () => serviceList, endpointSlices: (namespace, service) => slices.get(`${namespace}/${service}`) ?? [] };
    this.lastRead = { revision, rules };
    return rules;
  }
}
