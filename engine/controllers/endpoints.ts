// The Endpoints controller (pkg/controller/endpoint): for every Service with a selector, an
// Endpoints object of the same name listing the selected pods' IPs — ready ones under `addresses`,
// the others under `notReadyAddresses` — grouped into subsets by the ports their target ports
// resolve to (RepackSubsets). Terminating pods are left out.
import type { Obj } from '../apiserver/registry/strategy';
import { deepEqual } from '../api/patch/jsonValue';
import { isNamespaceTerminating, isNotFound } from './runtime/controller';
import { headlessLabel, isHeadless, ServicePodsController } from './runtime/serviceController';
import { resources } from './runtime/sharedInformerFactory';
import { managesEndpoints, podEndpointPorts, podIsReady, shouldPodBeInEndpoints } from './util/endpoints';

export class EndpointsController extends ServicePodsController {
  readonly name = 'endpoints-controller';
  private readonly endpoints;

  constructor(ctx: ConstructorParameters<typeof ServicePodsController>[0]) {
    super(ctx);
    this.endpoints = ctx.informers.informerFor(resources.endpoints);
    this.endpoints.addEventHandler({ onDelete: (ep) => { const svc = this.services.store.get(`${ep.metadata.namespace}/${ep.metadata.name}`); if (svc) this.enqueue(svc); } });
  }

  async sync(key: string): Promise<void> {
    const svc = this.services.store.get(key);
    const [namespace, name] = key.split('/') as [string, string];
    if (!svc) {
      // The Service is gone: so are its endpoints.
      try {
        await this.ctx.client.delete(resources.endpoints, namespace, name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    if (!managesEndpoints(svc)) return;
    const subsets = new Map<string, { addresses: Obj[]; notReadyAddresses: Obj[]; ports: Obj[] }>();
    for (const pod of this.selectedPods(svc)) {
      if (!shouldPodBeInEndpoints(pod, false)) continue;
      const ports = podEndpointPorts(pod, svc).map(({ name: n, ...p }) => ({ ...(n ? { name: n } : {}), ...p }));
      if (!ports.length && (svc.spec.ports ?? []).length) continue;
      const k = JSON.stringify(ports);
      if (!subsets.has(k)) subsets.set(k, { addresses: [], notReadyAddresses: [], ports });
      const address = { ip: pod.status.podIP, ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}), targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid } };
      (podIsReady(pod, svc) ? subsets.get(k)!.addresses : subsets.get(k)!.notReadyAddresses).push(address);
    }
    const byIP = (a: Obj, b: Obj) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
    const packed = [...subsets.values()].map((s) => ({
      ...(s.addresses.length ? { addresses: s.addresses.sort(byIP) } : {}),
      ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses.sort(byIP) } : {}),
      ...(s.ports.length ? { ports: s.ports } : {}),
    }));
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (isHeadless(svc)) labels[headlessLabel] = '';
    const current = this.endpoints.store.get(key);
    try {
      if (!current) {
        await this.ctx.client.create(resources.endpoints, namespace, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, ...(packed.length ? { subsets: packed } : {}) });
        return;
      }
      if (deepEqual(current.subsets ?? [], packed) && deepEqual(current.metadata.labels ?? {}, labels)) return;
      const next: Obj = { ...current, metadata: { ...current.metadata, labels } };
      if (packed.length) next.subsets = packed;
      else delete next.subsets;
      await this.ctx.client.update(resources.endpoints, namespace, next);
    } catch (err) {
      if (isNamespaceTerminating(err)) return;
      // Created meanwhile by an earlier pass the cache has not shown yet: try again with it.
      throw err;
    }
  }
}
