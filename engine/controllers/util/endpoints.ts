// Which pods back a Service, and on which ports (pkg/api/v1/endpoints, pkg/controller/util/endpoint,
// podutil.FindPort): shared by the Endpoints and EndpointSlice controllers.
import type { Obj } from '../../apiserver/registry/strategy';
import { isPodReady } from './pod';

/** ShouldPodBeInEndpoints: the pod has an IP and has not finished for good. */
export function shouldPodBeInEndpoints(pod: Obj, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  switch (pod.spec?.restartPolicy ?? 'Always') {
    case 'Never':
      return phase !== 'Failed' && phase !== 'Succeeded';
    case 'OnFailure':
      return phase !== 'Succeeded';
    default:
      return true;
  }
}

/** FindPort: a service port's targetPort on this pod (a named port looked up in its containers). */
export function findPort(pod: Obj, servicePort: Obj): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(String(target))) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The endpoint ports of one pod for a Service: those whose target port it has. */
export function podEndpointPorts(pod: Obj, service: Obj): { name?: string; port: number; protocol: string; appProtocol?: string }[] {
  const out: { name?: string; port: number; protocol: string; appProtocol?: string }[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ ...(sp.name ? { name: sp.name } : { name: '' }), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

export function podIsReady(pod: Obj, service: Obj): boolean {
  return !!service.spec?.publishNotReadyAddresses || (isPodReady(pod) && !pod.metadata.deletionTimestamp);
}

/** A Service the endpoint controllers manage: it selects pods and is not an ExternalName alias. */
export function managesEndpoints(service: Obj): boolean {
  return service.spec?.type !== 'ExternalName' && !!service.spec?.selector && Object.keys(service.spec.selector).length > 0;
}
