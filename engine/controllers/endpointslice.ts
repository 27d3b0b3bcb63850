// The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a selector,
// EndpointSlices listing the selected pods' IPs with their ready/serving/terminating conditions and
// the ports their target ports resolve to, at most 100 endpoints a slice, one set of slices per
// distinct port list; an empty Service keeps one placeholder slice. Slices are owned by the Service.
import type { Obj } from '../apiserver/registry/strategy';
import { newControllerRef } from '../api/meta/ownerReferences';
import { deepEqual } from '../api/patch/jsonValue';
import { isNotFound } from './runtime/controller';
import { headlessLabel, isHeadless, ServicePodsController } from './runtime/serviceController';
import { indexes, resources } from './runtime/sharedInformerFactory';
import { managesEndpoints, podEndpointPorts, podIsReady, shouldPodBeInEndpoints } from './util/endpoints';
import { isPodReady } from './util/pod';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';
/** --max-endpoints-per-slice default. */
export const maxEndpointsPerSlice = 100;

export class EndpointSliceController extends ServicePodsController {
  readonly name = 'endpointslice-controller';
  private readonly slices;

  constructor(ctx: ConstructorParameters<typeof ServicePodsController>[0]) {
    super(ctx);
    this.slices = ctx.informers.informerFor(resources.endpointslices);
    // A slice changed or deleted by someone else is put back.
    const sliceChanged = (slice: Obj) => {
      if (slice.metadata.labels?.[managedByLabel] !== controllerName) return;
      const svc = this.services.store.get(`${slice.metadata.namespace}/${slice.metadata.labels?.[serviceNameLabel]}`);
      if (svc) this.enqueue(svc);
    };
    this.slices.addEventHandler({ onUpdate: (_o, s) => sliceChanged(s), onDelete: sliceChanged });
  }

  async sync(key: string): Promise<void> {
    const svc = this.services.store.get(key);
    // A deleted Service's slices go with it through their owner reference (the garbage collector).
    if (!svc || svc.metadata.deletionTimestamp) return;
    const existing = this.slices.store.byIndex(indexes.controllerUid, svc.metadata.uid).filter((s) => s.metadata.labels?.[managedByLabel] === controllerName);
    if (!managesEndpoints(svc)) {
      for (const s of existing) await this.deleteSlice(s);
      return;
    }
    // Group the endpoints by the port list they serve, each group in stable order.
    const groups = new Map<string, { ports: Obj[]; endpoints: Obj[] }>();
    for (const pod of this.selectedPods(svc).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ports = podEndpointPorts(pod, svc);
      const k = JSON.stringify(ports);
      if (!groups.has(k)) groups.set(k, { ports, endpoints: [] });
      const terminating = !!pod.metadata.deletionTimestamp;
      groups.get(k)!.endpoints.push({
        addresses: [pod.status.podIP],
        conditions: { ready: podIsReady(pod, svc) && !terminating, serving: isPodReady(pod), terminating },
        ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      });
    }
    const desired: { ports: Obj[]; endpoints: Obj[] }[] = [];
    for (const g of groups.values()) for (let i = 0; i < g.endpoints.length; i += maxEndpointsPerSlice) desired.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + maxEndpointsPerSlice) });
    // A Service without endpoints keeps one empty slice, so consumers can tell "none" from "not yet".
    if (desired.length === 0) desired.push({ ports: [], endpoints: [] });

    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}), [serviceNameLabel]: svc.metadata.name, [managedByLabel]: controllerName };
    if (isHeadless(svc)) labels[headlessLabel] = '';
    const remaining = [...existing].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const want of desired) {
      const body = { addressType: 'IPv4', endpoints: want.endpoints.length ? want.endpoints : null, ports: want.ports.length ? want.ports : null };
      // Reuse a slice with the same ports first, then any leftover slice.
      const i = Math.max(remaining.findIndex((s) => deepEqual(s.ports ?? null, body.ports)), remaining.length ? 0 : -1);
      const slice = i >= 0 ? remaining.splice(i, 1)[0] : undefined;
      if (!slice) {
        await this.ctx.client.create(resources.endpointslices, svc.metadata.namespace, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, labels, ownerReferences: [newControllerRef(svc, 'v1', 'Service')] },
          ...body,
        });
        continue;
      }
      const same = deepEqual(slice.metadata.labels ?? {}, labels) && deepEqual(slice.endpoints ?? null, body.endpoints) && deepEqual(slice.ports ?? null, body.ports) && slice.addressType === 'IPv4';
      if (!same) await this.ctx.client.update(resources.endpointslices, svc.metadata.namespace, { ...slice, metadata: { ...slice.metadata, labels }, ...body });
    }
    for (const s of remaining) await this.deleteSlice(s);
  }

  private async deleteSlice(slice: Obj): Promise<void> {
    try {
      await this.ctx.client.delete(resources.endpointslices, slice.metadata.namespace, slice.metadata.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
