// The aggregator's availability controller: a local APIService is always available, and one backed
// by a Service (an aggregated API such as prometheus-adapter's custom.metrics.k8s.io) is checked
// every few seconds as kube-apiserver checks it — the Service exists and has the port, its
// endpoints have a ready address, and the API answers discovery at /apis/<group>/<version> through
// the cluster network — and its Available condition says the first check that failed, or `all
// checks passed`.
// Simulated containers serve no Kubernetes API, so a remote API fails the discovery check (404),
// except metrics.k8s.io: this cluster serves it itself, as if metrics-server answered.
import type { Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { ApiClient } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { serviceNameLabel } from '../network/serviceProxy';
import type { Clock, Timer } from '../util/clock';
import type { ServiceResponse } from './request';

const apiServices = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices' };
const services = { group: '', version: 'v1', resource: 'services' };
const endpointSlices = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };

/** How often every service-backed APIService is checked again. */
export const availabilityCheckIntervalMs = 10_000;

interface Condition {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export class APIServiceAvailability {
  private timer: Timer | undefined;
  private stopped = false;

  constructor(
    private readonly client: ApiClient,
    private readonly clock: Clock,
    /** A GET sent from a control-plane node, as the aggregator's discovery check is. */
    private readonly get: (url: string) => ServiceResponse,
    /** Group versions this cluster serves itself (metrics.k8s.io/v1beta1). */
    private readonly servedHere: (group: string, version: string) => boolean,
  ) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.sync()
        .catch(() => undefined)
        .finally(() => {
          if (!this.stopped) this.timer = this.clock.setTimeout(tick, availabilityCheckIntervalMs);
        });
    };
    this.timer = this.clock.setTimeout(tick, 0);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** Checks every APIService once and writes the conditions that changed. */
  async sync(): Promise<void> {
    for (const apiService of this.client.list(apiServices).items as Obj[]) {
      const condition: Condition = apiService.spec?.service ? this.check(apiService) : { status: 'True', reason: 'Local', message: 'Local APIServices are always available' };
      const current = (apiService.status?.conditions ?? []).find((c: Obj) => c.type === 'Available');
      if (current && current.status === condition.status && current.reason === condition.reason && current.message === condition.message) continue;
      const available = {
        type: 'Available',
        ...condition,
        // The transition time moves only when the status does.
        lastTransitionTime: current?.status === condition.status ? current.lastTransitionTime : new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      const others = (apiService.status?.conditions ?? []).filter((c: Obj) => c.type !== 'Available');
      try {
        await this.client.update(apiServices, undefined, { ...apiService, status: { ...apiService.status, conditions: [...others, available] } }, {}, 'status');
      } catch {
        // Changed or deleted meanwhile: the next round sees it as it is.
      }
    }
  }

  /** The first of kube-aggregator's checks that fails, in its words, or `all checks passed`. */
  private check(apiService: Obj): Condition {
    const { namespace, name, port = 443 } = apiService.spec.service as { namespace: string; name: string; port?: number };
    const { group, version } = apiService.spec as { group: string; version: string };
    const service = this.client.tryGet(services, namespace, name) as Service | undefined;
    if (!service) return { status: 'False', reason: 'ServiceNotFound', message: `service/${name} in ${JSON.stringify(namespace)} is not present` };
    const servicePort = (service.spec?.ports ?? []).find((p) => p.port === port);
    if (service.spec?.type !== 'ExternalName') {
      if (!servicePort) return { status: 'False', reason: 'ServicePortError', message: `service/${name} in ${JSON.stringify(namespace)} is not listening on port ${port}` };
      const slices = this.client.list(endpointSlices, namespace, { labelSelector: `${serviceNameLabel}=${name}` }).items as EndpointSlice[];
      if (slices.length === 0) return { status: 'False', reason: 'EndpointsNotFound', message: `cannot find endpoints for service/${name} in ${JSON.stringify(namespace)}` };
      const portName = servicePort.name ?? '';
      const ready = slices.some((s) => (s.ports ?? []).some((p) => (p.name ?? '') === portName) && (s.endpoints ?? []).some((e) => e.conditions?.ready !== false && e.addresses.length > 0));
      if (!ready) return { status: 'False', reason: 'MissingEndpoints', message: `endpoints for service/${name} in ${JSON.stringify(namespace)} have no addresses with port name ${JSON.stringify(portName)}` };
    }
    if (this.servedHere(group, version)) return { status: 'True', reason: 'Passed', message: 'all checks passed' };
    const host = service.spec?.type === 'ExternalName' ? `${service.spec.externalName ?? ''}:${port}` : `${service.spec?.clusterIP ?? ''}:${port}`;
    const discovery = `https://${host}/apis/${group}/${version}`;
    const answer = this.get(`http://${host}/apis/${group}/${version}`);
    if (answer.error !== undefined) return { status: 'False', reason: 'FailedDiscoveryCheck', message: `failing or missing response from ${discovery}: Get ${JSON.stringify(discovery)}: ${answer.error}` };
    // The check reads the status code alone.
    if (answer.status !== undefined && answer.status >= 200 && answer.status < 300) return { status: 'True', reason: 'Passed', message: 'all checks passed' };
    return { status: 'False', reason: 'FailedDiscoveryCheck', message: `failing or missing response from ${discovery}: bad status from ${discovery}: ${answer.status}` };
  }
}
