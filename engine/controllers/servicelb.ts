// The load balancers of the embedded cluster: the service controller of a cloud-controller-manager
// (k8s.io/cloud-provider/controllers/service) over a built-in "cloud" whose load balancer is an
// address from a range of the node network, as MetalLB gives on kind (172.18.255.200-250). Every
// Service of type LoadBalancer without a loadBalancerClass (which names another implementation)
// gets one in `status.loadBalancer.ingress`, and kube-proxy on each node takes traffic for it to
// the Service (../network/serviceProxy.ts). As the cloud service controller does, it holds the
// `service.kubernetes.io/load-balancer-cleanup` finalizer while the load balancer exists, frees the
// address when the Service is deleted or changes type, and says so in Events
// (EnsuringLoadBalancer, EnsuredLoadBalancer, DeletingLoadBalancer, DeletedLoadBalancer,
// SyncLoadBalancerFailed). `spec.loadBalancerIP` asks for an address of the range.
import type { Obj } from '../apiserver/registry/strategy';
import type { EventRecorder } from '../client/eventRecorder';
import { formatIPv4, parseIPv4 } from '../network/ipv4';
import { Controller, type ControllerContext, isNotFound } from './runtime/controller';
import { resources } from './runtime/sharedInformerFactory';

export const loadBalancerCleanupFinalizer = 'service.kubernetes.io/load-balancer-cleanup';

/** MetalLB's address pool in kind's documentation: the top of the node network 172.18.0.0/16. */
export const defaultLoadBalancerRange = { first: '172.18.255.200', last: '172.18.255.250' };

/** wantsLoadBalancer: the Service asks for a load balancer this controller provides. */
function wantsLoadBalancer(svc: Obj): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec?.loadBalancerClass;
}

function ingressIPs(svc: Obj): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip).filter((ip: unknown): ip is string => typeof ip === 'string');
}

export class ServiceLoadBalancerController extends Controller {
  readonly name = 'service-lb-controller';
  private readonly services;
  private readonly recorder: EventRecorder;
  private readonly first: number;
  private readonly last: number;
  /** The addresses handed out, by address: the uid of the Service holding it. Claimed before the status write, so two syncs never pick one address. */
  private readonly owners = new Map<number, string>();

  constructor(ctx: ControllerContext, range = defaultLoadBalancerRange) {
    super(ctx);
    this.first = parseIPv4(range.first);
    this.last = parseIPv4(range.last);
    this.recorder = ctx.recorder('service-controller');
    this.services = ctx.informers.informerFor(resources.services);
    const changed = (svc: Obj) => {
      if (wantsLoadBalancer(svc) || svc.metadata.finalizers?.includes(loadBalancerCleanupFinalizer) || ingressIPs(svc).some((ip) => this.inRange(ip))) this.enqueue(svc);
    };
    this.services.addEventHandler({ onAdd: changed, onUpdate: (_o, s) => changed(s), onDelete: (s) => this.release(s.metadata.uid) });
  }

  async sync(key: string): Promise<void> {
    const svc = this.services.store.get(key);
    if (!svc) return;
    if (!wantsLoadBalancer(svc) || svc.metadata.deletionTimestamp) return this.deleteLoadBalancer(svc);
    if (!svc.metadata.finalizers?.includes(loadBalancerCleanupFinalizer)) {
      // addFinalizer: before the load balancer exists, so a delete cannot leave it behind.
      await this.patchService(svc, { metadata: { finalizers: [...(svc.metadata.finalizers ?? []), loadBalancerCleanupFinalizer], resourceVersion: svc.metadata.resourceVersion } });
    }
    const held = this.heldAddress(svc);
    if (held !== undefined) return;
    this.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    let ip: number;
    try {
      ip = this.claim(svc);
    } catch (err) {
      this.recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: ${(err as Error).message}`);
      throw err;
    }
    await this.patchStatus(svc, [{ ip: formatIPv4(ip), ipMode: 'VIP' }]);
    this.recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
  }

  /** The address of the range the Service's status already shows and may keep (no other Service holds it), claimed for it. */
  private heldAddress(svc: Obj): number | undefined {
    const ips = ingressIPs(svc);
    if (ips.length !== 1 || !this.inRange(ips[0]!)) return undefined;
    const ip = parseIPv4(ips[0]!);
    const requested = svc.spec?.loadBalancerIP;
    if (requested && requested !== ips[0]) return undefined;
    const owner = this.owners.get(ip);
    if (owner !== undefined && owner !== svc.metadata.uid) return undefined;
    this.owners.set(ip, svc.metadata.uid);
    return ip;
  }

  /** The address asked for in spec.loadBalancerIP, or the lowest free one of the range. */
  private claim(svc: Obj): number {
    this.release(svc.metadata.uid);
    // Addresses other Services show count as taken even before their sync claims them (after a restart).
    const shown = new Set<number>();
    for (const other of this.services.store.list()) {
      if (other.metadata.uid === svc.metadata.uid) continue;
      for (const ip of ingressIPs(other)) if (this.inRange(ip)) shown.add(parseIPv4(ip));
    }
    const free = (n: number) => !shown.has(n) && !this.owners.has(n);
    const requested: string | undefined = svc.spec?.loadBalancerIP;
    let ip: number | undefined;
    if (requested) {
      if (!this.inRange(requested)) throw new Error(`requested IP ${requested} is not in the load balancer range ${formatIPv4(this.first)}-${formatIPv4(this.last)}`);
      if (!free(parseIPv4(requested))) throw new Error(`requested IP ${requested} is already in use`);
      ip = parseIPv4(requested);
    } else {
      for (let n = this.first; n <= this.last && ip === undefined; n++) if (free(n)) ip = n;
      if (ip === undefined) throw new Error(`no available IPs in the load balancer range ${formatIPv4(this.first)}-${formatIPv4(this.last)}`);
    }
    this.owners.set(ip, svc.metadata.uid);
    return ip;
  }

  /** EnsureLoadBalancerDeleted, then the status and finalizer go: the address is free again. */
  private async deleteLoadBalancer(svc: Obj): Promise<void> {
    const hasFinalizer = svc.metadata.finalizers?.includes(loadBalancerCleanupFinalizer);
    const shown = ingressIPs(svc).some((ip) => this.inRange(ip));
    if (!hasFinalizer && !shown) return;
    this.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    this.release(svc.metadata.uid);
    // A Service no longer of type LoadBalancer lost its status with the type (the Service strategy).
    if (shown && svc.spec?.type === 'LoadBalancer') await this.patchStatus(svc, null);
    if (hasFinalizer) {
      const finalizers = svc.metadata.finalizers.filter((f: string) => f !== loadBalancerCleanupFinalizer);
      await this.patchService(svc, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: svc.metadata.resourceVersion } });
    }
    this.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
  }

  private release(uid: string): void {
    for (const [ip, owner] of this.owners) if (owner === uid) this.owners.delete(ip);
  }

  private inRange(ip: string): boolean {
    let n: number;
    try {
      n = parseIPv4(ip);
    } catch {
      return false;
    }
    return n >= this.first && n <= this.last;
  }

  /** A merge patch of the Service; one that was deleted meanwhile needs nothing more. */
  private async patchService(svc: Obj, patch: Obj): Promise<void> {
    try {
      await this.ctx.client.patch(resources.services, svc.metadata.namespace, svc.metadata.name, 'merge', patch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** patchStatus: the load balancer's addresses (none: `null`), as the cloud service controller writes them. */
  private async patchStatus(svc: Obj, ingress: Obj[] | null): Promise<void> {
    try {
      await this.ctx.client.patch(resources.services, svc.metadata.namespace, svc.metadata.name, 'merge', { status: { loadBalancer: { ingress } } }, {}, 'status');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
