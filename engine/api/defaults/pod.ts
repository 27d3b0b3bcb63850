// Pod and pod template defaults (pkg/apis/core/v1/defaults.go: SetDefaults_Pod, SetDefaults_PodSpec,
// SetDefaults_Container, probes, volumes, ports, env field selectors).

import { canonicalizeQuantity, canonicalizeResourceList } from './quantities.js';
import { child, isObj, list, type Obj, registerDefaulter, setDefault } from './registry.js';

/** parsers.ParseImageName's tag: the text after the last ':' of the last path segment; "latest" when neither tag nor digest. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) return name.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function setDefaultsProbe(probe: unknown): void {
  if (!isObj(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  setDefaultsHandler(probe);
}

function setDefaultsHandler(h: unknown): void {
  if (!isObj(h)) return;
  if (isObj(h.httpGet)) {
    setDefault(h.httpGet, 'path', '/');
    setDefault(h.httpGet, 'scheme', 'HTTP');
  }
}

function setDefaultsEnv(env: unknown): void {
  for (const e of list(env)) {
    const from = e.valueFrom;
    if (!isObj(from)) continue;
    if (isObj(from.fieldRef)) setDefault(from.fieldRef, 'apiVersion', 'v1');
    // Divisor is a non-pointer Quantity in Go: it is always stored, as "0" when unset.
    if (isObj(from.resourceFieldRef)) {
      setDefault(from.resourceFieldRef, 'divisor', '0');
      canonicalizeQuantity(from.resourceFieldRef, 'divisor');
    }
  }
}

function setDefaultsContainer(c: Obj): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  for (const p of list(c.ports)) setDefault(p, 'protocol', 'TCP');
  setDefaultsEnv(c.env);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) setDefaultsProbe(c[probe]);
  if (isObj(c.lifecycle)) {
    setDefaultsHandler(c.lifecycle.postStart);
    setDefaultsHandler(c.lifecycle.preStop);
  }
  // ResourceRequirements is a non-pointer struct: stored as {} when empty.
  const resources = child(c, 'resources');
  canonicalizeResourceList(resources.limits);
  canonicalizeResourceList(resources.requests);
}

function setDefaultsVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name');
  // A volume without a source is an emptyDir.
  if (sources.length === 0) v.emptyDir = {};
  for (const k of ['configMap', 'secret', 'downwardAPI', 'projected']) if (isObj(v[k])) setDefault(v[k], 'defaultMode', 420);
  if (isObj(v.hostPath)) setDefault(v.hostPath, 'type', '');
  if (isObj(v.emptyDir)) canonicalizeQuantity(v.emptyDir, 'sizeLimit');
  if (isObj(v.downwardAPI)) for (const item of list(v.downwardAPI.items)) if (isObj(item.fieldRef)) setDefault(item.fieldRef, 'apiVersion', 'v1');
  if (isObj(v.projected))
    for (const src of list(v.projected.sources)) {
      if (isObj(src.downwardAPI)) for (const item of list(src.downwardAPI.items)) if (isObj(item.fieldRef)) setDefault(item.fieldRef, 'apiVersion', 'v1');
      // SetDefaults_ServiceAccountTokenProjection: tokens live an hour unless asked otherwise.
      if (isObj(src.serviceAccountToken)) setDefault(src.serviceAccountToken, 'expirationSeconds', 3600);
    }
  // An image volume's pull policy follows its tag, as a container's does.
  if (isObj(v.image) && !v.image.pullPolicy) v.image.pullPolicy = imageTag(String(v.image.reference ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  if (isObj(v.iscsi)) {
    setDefault(v.iscsi, 'iscsiInterface', 'default');
  }
}

/** SetDefaults_PodSpec and the defaults of everything inside it; shared by pods and pod templates. */
export function setDefaultsPodSpec(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const l of ['initContainers', 'containers']) for (const c of list(spec[l])) setDefaultsContainer(c);
  for (const c of list(spec.ephemeralContainers)) setDefaultsContainer(c);
  for (const v of list(spec.volumes)) setDefaultsVolume(v);
  canonicalizeResourceList(spec.overhead);
}

export function setDefaultsPodTemplateSpec(template: unknown): void {
  if (!isObj(template)) return;
  setDefaultsPodSpec(child(template, 'spec'));
}

/**
 * SetDefaults_Pod: a Pod (not a template) also gets enableServiceLinks, and requests copied from limits
 * where only a limit is given — the quota and scheduler then see what the container may use.
 */
export function setDefaultsPod(pod: Obj): void {
  const spec = child(pod, 'spec');
  for (const l of ['containers', 'initContainers']) {
    for (const c of list(spec[l])) {
      const r = isObj(c.resources) ? c.resources : undefined;
      if (!r || !isObj(r.limits)) continue;
      const requests = child(r, 'requests');
      for (const [k, v] of Object.entries(r.limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
  // With the host's network a container port is a host port. Only Pods get this: for templates it sits
  // behind DefaultHostNetworkHostPortsInPodTemplates, off since Kubernetes 1.28.
  if (spec.hostNetwork === true)
    for (const l of ['containers', 'initContainers']) for (const c of list(spec[l])) for (const p of list(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
  setDefaultsPodSpec(spec);
}

registerDefaulter('', 'Pod', setDefaultsPod);
