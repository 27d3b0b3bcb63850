// PodSpec rules shared by Pods and every pod template (pkg/apis/core/validation: ValidatePodSpec,
// validateContainers, validateVolumes, ValidateEnv, resource requirements, probes, tolerations), and the
// Pod kind's own create and update rules.

import { fieldError, FieldPath, GoValue, type FieldError } from '../../errors.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import { Quantity } from '../../quantity.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv4,
  isIPv6,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidGroupID,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabels,
} from '../names.js';
import { arr, at, deepEqual, has, isObj, num, obj, str, validateNonnegativeField } from './common.js';
import { registerKindRules, type Obj } from './registry.js';

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];
const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];
const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** ValidateResourceQuantityValue: a quantity that parses and is not negative. */
export function validateResourceQuantity(value: unknown, fld: FieldPath): { errs: FieldError[]; q?: Quantity } {
  const q = Quantity.tryParse(value);
  if (!q) {
    // Kubernetes rejects this while decoding (400, before validation); reported here on its field instead.
    let detail = '';
    try {
      Quantity.fromJSON(value);
    } catch (e) {
      detail = (e as Error).message;
    }
    return { errs: [fieldError.invalid(fld, value, detail || 'must be a quantity')] };
  }
  if (q.sign() < 0) return { errs: [fieldError.invalid(fld, q.toString(), 'must be greater than or equal to 0')], q };
  return { errs: [], q };
}

/** A resource outside kubernetes.io's own names (e.g. `nvidia.com/gpu`): counted in whole units, never overcommitted. */
function isExtendedResourceName(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  return !native && !name.startsWith('requests.');
}

/** validateContainerResourceName. A ResourceName prints unquoted: it has a String() method. */
function validateContainerResourceName(name: string, fld: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => fieldError.invalid(fld, name, m));
  if (errs.length) return errs;
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !name.startsWith('hugepages-')) return [fieldError.invalid(fld, new GoValue(name), 'must be a standard resource for containers')];
  } else if (!name.includes('kubernetes.io/') && !isExtendedResourceName(name)) {
    return [fieldError.invalid(fld, new GoValue(name), "doesn't follow extended resource name standard")];
  }
  return [];
}

/** ValidateResourceRequirements: names, quantities, and requests never above limits (equal where overcommit is not allowed). */
export function validateResourceRequirements(resources: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const r = obj(resources);
  const limPath = fld.child('limits');
  const reqPath = fld.child('requests');
  const quantity = (name: string, v: unknown, p: FieldPath): Quantity | undefined => {
    errs.push(...validateContainerResourceName(name, p));
    const { errs: qe, q } = validateResourceQuantity(v, p);
    errs.push(...qe);
    // Extended resources are whole devices: 500m of a GPU means nothing.
    if (q && isExtendedResourceName(name) && q.scaledValue(-3) % 1000n !== 0n) errs.push(fieldError.invalid(p, new GoValue(q.toString()), 'must be an integer'));
    return q;
  };
  const limits = new Map<string, Quantity>();
  for (const [name, v] of Object.entries(obj(r.limits))) {
    const q = quantity(name, v, limPath.key(name));
    if (q) limits.set(name, q);
  }
  for (const [name, v] of Object.entries(obj(r.requests))) {
    const q = quantity(name, v, reqPath.key(name));
    const limit = limits.get(name);
    if (!q) continue;
    if (!limit) {
      if (isExtendedResourceName(name) || name.startsWith('hugepages-')) errs.push(fieldError.required(limPath, 'Limit must be set for non overcommitable resources'));
      continue;
    }
    // IsOvercommitAllowed: only cpu, memory, ephemeral storage and the like may request less than their limit.
    if ((name.startsWith('hugepages-') || isExtendedResourceName(name)) && q.cmp(limit) !== 0)
      errs.push(fieldError.invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
    else if (q.cmp(limit) > 0) errs.push(fieldError.invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
  }
  return errs;
}

/** A port given as a number or an IANA name (probes, Service targetPort). */
export function validatePortNumOrName(port: unknown, fld: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldError.invalid(fld, port, m));
  if (typeof port === 'string') {
    if (port === '') return [fieldError.required(fld)];
    return isValidPortName(port).map((m) => fieldError.invalid(fld, port, m));
  }
  return [];
}

function validateHandler(h: Obj, fld: FieldPath, kinds: string[]): FieldError[] {
  const set = kinds.filter((k) => has(h, k));
  if (set.length === 0) return [fieldError.required(fld, 'must specify a handler type')];
  if (set.length > 1) return [fieldError.forbidden(fld.child(set[1]), 'may not specify more than 1 handler type')];
  const errs: FieldError[] = [];
  const k = set[0];
  const handler = obj(h[k]);
  if (k === 'exec' && arr(handler.command).length === 0) errs.push(fieldError.required(at(fld, 'exec', 'command')));
  if (k === 'httpGet' || k === 'tcpSocket') errs.push(...validatePortNumOrName(handler.port, at(fld, k, 'port')));
  if (k === 'httpGet' && has(handler, 'scheme') && !['HTTP', 'HTTPS'].includes(str(handler.scheme)))
    errs.push(fieldError.notSupported(at(fld, k, 'scheme'), handler.scheme, ['HTTP', 'HTTPS']));
  if (k === 'grpc') errs.push(...isValidPortNum(num(handler.port) ?? 0).map((m) => fieldError.invalid(at(fld, k, 'port'), handler.port, m)));
  return errs;
}

function validateProbe(probe: unknown, fld: FieldPath, mustSucceedOnce: boolean): FieldError[] {
  if (!isObj(probe)) return [];
  const errs = validateHandler(probe, fld, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'])
    errs.push(...validateNonnegativeField(probe[f], fld.child(f)));
  if (mustSucceedOnce && typeof probe.successThreshold === 'number' && probe.successThreshold !== 1)
    errs.push(fieldError.invalid(fld.child('successThreshold'), probe.successThreshold, 'must be 1'));
  if (typeof probe.terminationGracePeriodSeconds === 'number' && probe.terminationGracePeriodSeconds <= 0)
    errs.push(fieldError.invalid(fld.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  return errs;
}

function validateEnv(env: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(env).forEach((raw, i) => {
    const ev = obj(raw);
    const p = fld.index(i);
    const name = str(ev.name);
    if (!name) errs.push(fieldError.required(p.child('name')));
    // RelaxedEnvironmentVariableValidation (GA): any printable ASCII but '='; an empty name is reported twice, as there.
    errs.push(...isRelaxedEnvVarName(name).map((m) => fieldError.invalid(p.child('name'), name, m)));
    if (isObj(ev.valueFrom)) errs.push(...validateEnvVarValueFrom(ev, p.child('valueFrom')));
  });
  return errs;
}

/** Pod fields an env var may read through the downward API (validEnvDownwardAPIFieldPathExpressions). */
const envFieldPaths = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
/** Container resources an env var may read (validEnvResourceFieldPathExpressions), beside hugepages. */
const envResourceFields = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

/** validateObjectFieldSelector: a known pod field, or a single label or annotation by key. */
function validateObjectFieldSelector(ref: Obj, fld: FieldPath): FieldError[] {
  if (!str(ref.apiVersion)) return [fieldError.required(fld.child('apiVersion'))];
  const path = str(ref.fieldPath);
  if (!path) return [fieldError.required(fld.child('fieldPath'))];
  const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(path);
  if (sub) {
    const key = sub[1] === 'metadata.annotations' ? sub[2].toLowerCase() : sub[2];
    return isQualifiedName(key).map((m) => fieldError.invalid(fld, sub[2], m));
  }
  return envFieldPaths.includes(path) ? [] : [fieldError.notSupported(fld.child('fieldPath'), path, envFieldPaths)];
}

/** validateConfigMapKeySelector / validateSecretKeySelector: an object name (checked even when empty) and a key. */
function validateKeySelector(ref: Obj, fld: FieldPath): FieldError[] {
  const name = str(ref.name);
  const errs = isDNS1123Subdomain(name).map((m) => fieldError.invalid(fld.child('name'), name, m));
  const key = str(ref.key);
  if (!key) errs.push(fieldError.required(fld.child('key')));
  else errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(fld.child('key'), key, m)));
  return errs;
}

function validateEnvVarValueFrom(ev: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const from = obj(ev.valueFrom);
  let sources = 0;
  if (isObj(from.fieldRef)) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, fld.child('fieldRef')));
  }
  if (isObj(from.resourceFieldRef)) {
    sources++;
    const resource = str(from.resourceFieldRef.resource);
    const rp = fld.child('resourceFieldRef');
    if (!resource) errs.push(fieldError.required(rp.child('resource')));
    else if (!envResourceFields.includes(resource) && !/^(limits|requests)\.hugepages-/.test(resource)) errs.push(fieldError.notSupported(rp.child('resource'), resource, envResourceFields));
  }
  for (const k of ['configMapKeyRef', 'secretKeyRef']) {
    if (!isObj(from[k])) continue;
    sources++;
    errs.push(...validateKeySelector(from[k] as Obj, fld.child(k)));
  }
  if (isObj(from.fileKeyRef)) sources++;
  if (sources === 0) errs.push(fieldError.invalid(fld, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(ev.value) !== '') errs.push(fieldError.invalid(fld, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(fieldError.invalid(fld, '', 'may not have more than one field specified at a time'));
  return errs;
}

/** ValidateEnvFrom: one source per entry, an existing-looking object name, a valid variable prefix. */
function validateEnvFrom(envFrom: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(envFrom).forEach((raw, i) => {
    const ef = obj(raw);
    const p = fld.index(i);
    const prefix = str(ef.prefix);
    if (prefix) errs.push(...isRelaxedEnvVarName(prefix).map((m) => fieldError.invalid(p.child('prefix'), prefix, m)));
    let sources = 0;
    for (const k of ['configMapRef', 'secretRef']) {
      if (!isObj(ef[k])) continue;
      sources++;
      const name = str((ef[k] as Obj).name);
      if (!name) errs.push(fieldError.required(at(p, k, 'name')));
      // Checked as a generateName prefix, as Kubernetes does here.
      else errs.push(...nameIsDNSSubdomain(name, true).map((m) => fieldError.invalid(at(p, k, 'name'), name, m)));
    }
    if (sources === 0) errs.push(fieldError.invalid(fld, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(fieldError.forbidden(fld, 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateKeyToPaths(items: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(items).forEach((raw, i) => {
    const it = obj(raw);
    const p = fld.index(i);
    if (!str(it.key)) errs.push(fieldError.required(p.child('key')));
    const path = str(it.path);
    if (!path) errs.push(fieldError.required(p.child('path')));
    else errs.push(...validateLocalNonReservedPath(path, p.child('path')));
    errs.push(...validateMode(it.mode, p.child('mode')));
  });
  return errs;
}

function validateMode(mode: unknown, fld: FieldPath): FieldError[] {
  if (typeof mode !== 'number') return [];
  return mode < 0 || mode > 0o777 ? [fieldError.invalid(fld, mode, 'must be a number between 0 and 0777 (octal), both inclusive')] : [];
}

/** validateLocalDescendingPath: relative, with no '..' element. */
function validateLocalDescendingPath(path: string, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (path.startsWith('/')) errs.push(fieldError.invalid(fld, path, 'must be a relative path'));
  if (path.split(/[\\/]/).includes('..')) errs.push(fieldError.invalid(fld, path, "must not contain '..'"));
  return errs;
}

function validateLocalNonReservedPath(path: string, fld: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(path, fld);
  if (path.startsWith('..')) errs.push(fieldError.invalid(fld, path, "must not start with '..'"));
  return errs;
}

/** validateVolumes: names are unique DNS labels; each volume has exactly one source. Returns the names. */
function validateVolumes(volumes: unknown, fld: FieldPath): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(volumes).forEach((raw, i) => {
    const v = obj(raw);
    const p = fld.index(i);
    const name = str(v.name);
    if (!name) errs.push(fieldError.required(p.child('name')));
    else {
      errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(p.child('name'), name, m)));
      if (names.has(name)) errs.push(fieldError.duplicate(p.child('name'), name));
      else names.add(name);
    }
    const sources = volumeSources.filter((s) => has(v, s));
    if (sources.length === 0) errs.push(fieldError.required(p, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(fieldError.forbidden(p.child(extra), 'may not specify more than 1 volume type'));
    const src = sources[0];
    const s = obj(v[src ?? '']);
    switch (src) {
      case 'configMap':
        if (!str(s.name)) errs.push(fieldError.required(at(p, 'configMap', 'name')));
        errs.push(...validateMode(s.defaultMode, at(p, 'configMap', 'defaultMode')), ...validateKeyToPaths(s.items, at(p, 'configMap', 'items')));
        break;
      case 'secret':
        if (!str(s.secretName)) errs.push(fieldError.required(at(p, 'secret', 'secretName')));
        errs.push(...validateMode(s.defaultMode, at(p, 'secret', 'defaultMode')), ...validateKeyToPaths(s.items, at(p, 'secret', 'items')));
        break;
      case 'persistentVolumeClaim':
        if (!str(s.claimName)) errs.push(fieldError.required(at(p, 'persistentVolumeClaim', 'claimName')));
        break;
      case 'hostPath':
        if (!str(s.path)) errs.push(fieldError.required(at(p, 'hostPath', 'path')));
        break;
      case 'emptyDir':
        if (has(s, 'medium') && !['', 'Memory', 'HugePages'].includes(str(s.medium)) && !str(s.medium).startsWith('HugePages-'))
          errs.push(fieldError.notSupported(at(p, 'emptyDir', 'medium'), s.medium, ['', 'Memory', 'HugePages']));
        if (has(s, 'sizeLimit')) errs.push(...validateResourceQuantity(s.sizeLimit, at(p, 'emptyDir', 'sizeLimit')).errs);
        break;
      case 'nfs':
        if (!str(s.server)) errs.push(fieldError.required(at(p, 'nfs', 'server')));
        if (!str(s.path)) errs.push(fieldError.required(at(p, 'nfs', 'path')));
        break;
    }
  });
  return { errs, names };
}

interface ContainerContext {
  volumes: Set<string>;
  /** Container names across init, regular and ephemeral containers: unique together. */
  names: Set<string>;
  /** `port/protocol` host ports already claimed in the pod. */
  hostPorts: Set<string>;
}

function validateContainerPorts(ports: unknown, fld: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((raw, i) => {
    const port = obj(raw);
    const p = fld.index(i);
    const name = str(port.name);
    if (name) {
      errs.push(...isValidPortName(name).map((m) => fieldError.invalid(p.child('name'), name, m)));
      if (names.has(name)) errs.push(fieldError.duplicate(p.child('name'), name));
      else names.add(name);
    }
    const containerPort = num(port.containerPort) ?? 0;
    if (containerPort === 0) errs.push(fieldError.required(p.child('containerPort')));
    else errs.push(...isValidPortNum(containerPort).map((m) => fieldError.invalid(p.child('containerPort'), containerPort, m)));
    const hostPort = num(port.hostPort) ?? 0;
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => fieldError.invalid(p.child('hostPort'), hostPort, m)));
    const protocol = has(port, 'protocol') ? str(port.protocol) : 'TCP';
    if (!protocol) errs.push(fieldError.required(p.child('protocol')));
    else if (!supportedPortProtocols.includes(protocol)) errs.push(fieldError.notSupported(p.child('protocol'), protocol, supportedPortProtocols));
    if (hostPort !== 0) {
      const key = `${hostPort}/${protocol}`;
      if (ctx.hostPorts.has(key)) errs.push(fieldError.duplicate(p.child('hostPort'), key));
      else ctx.hostPorts.add(key);
    }
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, fld: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  arr(mounts).forEach((raw, i) => {
    const m = obj(raw);
    const p = fld.index(i);
    const name = str(m.name);
    if (!name) errs.push(fieldError.required(p.child('name')));
    else if (!ctx.volumes.has(name)) errs.push(fieldError.notFound(p.child('name'), name));
    const mountPath = str(m.mountPath);
    if (!mountPath) errs.push(fieldError.required(p.child('mountPath')));
    else if (paths.has(mountPath)) errs.push(fieldError.invalid(p.child('mountPath'), mountPath, 'must be unique'));
    else paths.add(mountPath);
    const subPath = str(m.subPath);
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, p.child('subPath')));
    if (has(m, 'mountPropagation') && !['None', 'HostToContainer', 'Bidirectional'].includes(str(m.mountPropagation)))
      errs.push(fieldError.notSupported(p.child('mountPropagation'), m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None']));
  });
  return errs;
}

function validateContainer(c: Obj, fld: FieldPath, ctx: ContainerContext, kind: 'container' | 'init'): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(fieldError.required(fld.child('name')));
  else {
    errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(fld.child('name'), name, m)));
    if (ctx.names.has(name)) errs.push(fieldError.duplicate(fld.child('name'), name));
    else ctx.names.add(name);
  }
  const image = str(c.image);
  if (!image) errs.push(fieldError.required(fld.child('image')));
  else if (image.trim() !== image) errs.push(fieldError.invalid(fld.child('image'), image, 'must not have leading or trailing whitespace'));
  if (has(c, 'imagePullPolicy') && !pullPolicies.includes(str(c.imagePullPolicy)))
    errs.push(fieldError.notSupported(fld.child('imagePullPolicy'), c.imagePullPolicy, pullPolicies));
  if (has(c, 'terminationMessagePolicy') && !['File', 'FallbackToLogsOnError'].includes(str(c.terminationMessagePolicy)))
    errs.push(fieldError.notSupported(fld.child('terminationMessagePolicy'), c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  errs.push(...validateContainerPorts(c.ports, fld.child('ports'), ctx));
  errs.push(...validateEnvFrom(c.envFrom, fld.child('envFrom')));
  errs.push(...validateEnv(c.env, fld.child('env')));
  errs.push(...validateVolumeMounts(c.volumeMounts, fld.child('volumeMounts'), ctx));
  errs.push(...validateResourceRequirements(c.resources, fld.child('resources')));
  const sidecar = kind === 'init' && c.restartPolicy === 'Always';
  errs.push(...validateContainerSecurityContext(c.securityContext, fld.child('securityContext')));
  if (kind === 'init' && has(c, 'restartPolicy') && c.restartPolicy !== 'Always')
    errs.push(fieldError.notSupported(fld.child('restartPolicy'), c.restartPolicy, ['Always']));
  if (kind === 'container' || sidecar) {
    errs.push(...validateProbe(c.livenessProbe, fld.child('livenessProbe'), true));
    errs.push(...validateProbe(c.readinessProbe, fld.child('readinessProbe'), false));
    errs.push(...validateProbe(c.startupProbe, fld.child('startupProbe'), true));
  } else {
    // Init containers run to completion: probes would never apply.
    for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe'])
      if (has(c, p)) errs.push(fieldError.forbidden(fld.child(p), 'may not be set for init containers without restartPolicy=Always'));
  }
  if (isObj(c.lifecycle)) {
    for (const h of ['postStart', 'preStop'])
      if (isObj(c.lifecycle[h])) errs.push(...validateHandler(c.lifecycle[h] as Obj, at(fld, 'lifecycle', h), ['exec', 'httpGet', 'tcpSocket', 'sleep']));
  }
  return errs;
}

/**
 * The fields an ephemeral container may set (allowedEphemeralContainerFields): it must not be
 * relied on for the pod's service, so ports, probes, lifecycle hooks, resources and restart rules
 * are refused, as is a subPath mount.
 */
const ephemeralContainerForbidden = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy', 'resources'];

function validateEphemeralContainers(spec: Obj, fld: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const targets = new Set([...arr(spec.containers), ...arr(spec.initContainers)].map((c) => str(obj(c).name)));
  arr(spec.ephemeralContainers).forEach((raw, i) => {
    const c = obj(raw);
    const p = fld.index(i);
    for (const f of ephemeralContainerForbidden) {
      const v = c[f];
      const empty = v === undefined || v === null || (isObj(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);
      if (!empty) errs.push(fieldError.forbidden(p.child(f), 'cannot be set for an Ephemeral Container'));
    }
    arr(c.volumeMounts).forEach((m, j) => {
      if (str(obj(m).subPath)) errs.push(fieldError.forbidden(p.child('volumeMounts').index(j).child('subPath'), 'cannot be set for an Ephemeral Container'));
    });
    const target = str(c.targetContainerName);
    if (target && !targets.has(target)) errs.push(fieldError.notFound(p.child('targetContainerName'), target));
    // The rest as any container: its name among all the pod's, its image, env and mounts.
    const common: Obj = {};
    for (const [k, v] of Object.entries(c)) if (!ephemeralContainerForbidden.includes(k) && k !== 'targetContainerName') common[k] = v;
    errs.push(...validateContainer(common, p, ctx, 'init'));
  });
  return errs;
}

/** core.Toleration as Go's %#v prints it; a set tolerationSeconds is a pointer, whose address is not reproducible. */
function goToleration(t: Obj): GoValue {
  const secs = has(t, 'tolerationSeconds') ? '(*int64)(0xc000000000)' : '(*int64)(nil)';
  return new GoValue(
    `core.Toleration{Key:${JSON.stringify(str(t.key))}, Operator:${JSON.stringify(str(t.operator))}, Value:${JSON.stringify(str(t.value))}, Effect:${JSON.stringify(str(t.effect))}, TolerationSeconds:${secs}}`,
  );
}

function validateTolerations(tolerations: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(tolerations).forEach((raw, i) => {
    const t = obj(raw);
    const p = fld.index(i);
    const key = str(t.key);
    const operator = str(t.operator);
    if (key) errs.push(...isQualifiedName(key).map((m) => fieldError.invalid(p.child('key'), key, m)));
    // An empty key with Exists (and no value) tolerates every taint.
    if (!key && operator !== 'Exists')
      errs.push(fieldError.invalid(p.child('operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (has(t, 'tolerationSeconds') && t.effect !== 'NoExecute')
      errs.push(fieldError.invalid(p.child('effect'), str(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    // Kubernetes reports value problems on the operator field.
    if (operator === 'Equal' || operator === '') {
      const value = str(t.value);
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(fieldError.invalid(p.child('operator'), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (str(t.value)) errs.push(fieldError.invalid(p.child('operator'), goToleration(t), "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(fieldError.notSupported(p.child('operator'), operator, ['Equal', 'Exists']));
    }
    if (str(t.effect) && !taintEffects.includes(str(t.effect))) errs.push(fieldError.notSupported(p.child('effect'), t.effect, taintEffects));
  });
  return errs;
}

// ---- scheduling constraints: affinity and topology spread (validateAffinity, validateTopologySpreadConstraints) ----

function validateNodeSelectorRequirement(r: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = arr(r.values);
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldError.required(fld.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(fieldError.forbidden(fld.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(fieldError.required(fld.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(fieldError.invalid(fld.child('operator'), r.operator ?? '', 'not a valid selector operator'));
  }
  const key = str(r.key);
  errs.push(...isQualifiedName(key).map((m) => fieldError.invalid(fld.child('key'), key, m)));
  return errs;
}

function validateNodeSelectorTerm(term: unknown, fld: FieldPath): FieldError[] {
  const t = obj(term);
  const errs: FieldError[] = [];
  arr(t.matchExpressions).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(obj(r), fld.child('matchExpressions').index(j))));
  arr(t.matchFields).forEach((r, j) => {
    const p = fld.child('matchFields').index(j);
    const req = obj(r);
    // Only metadata.name may be matched, with exactly one value for In/NotIn.
    if (req.key !== 'metadata.name') errs.push(fieldError.invalid(p.child('key'), req.key ?? '', 'not a valid field selector key'));
    if ((req.operator === 'In' || req.operator === 'NotIn') && arr(req.values).length !== 1)
      errs.push(fieldError.required(p.child('values'), 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
    else if (req.operator !== 'In' && req.operator !== 'NotIn') errs.push(fieldError.invalid(p.child('operator'), req.operator ?? '', 'not a valid selector operator'));
  });
  return errs;
}

function validatePodAffinityTerm(term: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isObj(term.labelSelector)) errs.push(...validateLabelSelector(term.labelSelector as LabelSelector, fld.child('labelSelector')));
  if (isObj(term.namespaceSelector)) errs.push(...validateLabelSelector(term.namespaceSelector as LabelSelector, fld.child('namespaceSelector')));
  arr(term.namespaces).forEach((ns) => errs.push(...isDNS1123Label(str(ns)).map((m) => fieldError.invalid(fld.child('namespaces'), ns, m))));
  const key = str(term.topologyKey);
  if (!key) errs.push(fieldError.required(fld.child('topologyKey'), 'can not be empty'));
  else errs.push(...isQualifiedName(key).map((m) => fieldError.invalid(fld.child('topologyKey'), key, m)));
  return errs;
}

function validateWeight(w: unknown, fld: FieldPath): FieldError[] {
  return typeof w === 'number' && (w < 1 || w > 100) ? [fieldError.invalid(fld, w, 'must be in the range 1-100')] : [];
}

function validateAffinity(affinity: unknown, fld: FieldPath): FieldError[] {
  if (!isObj(affinity)) return [];
  const errs: FieldError[] = [];
  if (isObj(affinity.nodeAffinity)) {
    const na = affinity.nodeAffinity;
    const np = fld.child('nodeAffinity');
    if (isObj(na.requiredDuringSchedulingIgnoredDuringExecution)) {
      const rp = np.child('requiredDuringSchedulingIgnoredDuringExecution');
      const terms = arr(na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms);
      if (terms.length === 0) errs.push(fieldError.required(rp.child('nodeSelectorTerms'), 'must have at least one node selector term'));
      terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, rp.child('nodeSelectorTerms').index(i))));
    }
    arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw, i) => {
      const p = np.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateWeight(obj(raw).weight, p.child('weight')), ...validateNodeSelectorTerm(obj(raw).preference, p.child('preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    if (!isObj(affinity[kind])) continue;
    const pa = affinity[kind] as Obj;
    const kp = fld.child(kind);
    arr(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(obj(t), kp.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))),
    );
    arr(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw, i) => {
      const p = kp.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateWeight(obj(raw).weight, p.child('weight')), ...validatePodAffinityTerm(obj(obj(raw).podAffinityTerm), p.child('podAffinityTerm')));
    });
  }
  return errs;
}

const whenUnsatisfiable = ['DoNotSchedule', 'ScheduleAnyway'];

function validateTopologySpreadConstraints(constraints: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(constraints).map(obj);
  list.forEach((c, i) => {
    const p = fld.index(i);
    if (typeof c.maxSkew !== 'number' || c.maxSkew <= 0) errs.push(fieldError.invalid(p.child('maxSkew'), c.maxSkew ?? 0, 'must be greater than zero'));
    const key = str(c.topologyKey);
    if (!key) errs.push(fieldError.required(p.child('topologyKey'), 'can not be empty'));
    else errs.push(...isQualifiedName(key).map((m) => fieldError.invalid(p.child('topologyKey'), key, m)));
    const action = str(c.whenUnsatisfiable);
    if (!whenUnsatisfiable.includes(action)) errs.push(fieldError.notSupported(p.child('whenUnsatisfiable'), action, whenUnsatisfiable));
    // {topologyKey, whenUnsatisfiable} pairs are unique: a second one could only contradict the first.
    if (list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable))
      errs.push(fieldError.duplicate(p.child('{topologyKey, whenUnsatisfiable}'), `{${key}, ${action}}`));
    if (has(c, 'minDomains')) {
      if (typeof c.minDomains === 'number' && c.minDomains <= 0) errs.push(fieldError.invalid(p.child('minDomains'), c.minDomains, 'must be greater than zero'));
      else if (action !== 'DoNotSchedule')
        errs.push(fieldError.invalid(p.child('minDomains'), c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy'])
      if (has(c, f) && !['Honor', 'Ignore'].includes(str(c[f]))) errs.push(fieldError.notSupported(p.child(f), c[f], ['Honor', 'Ignore']));
    if (isObj(c.labelSelector)) errs.push(...validateLabelSelector(c.labelSelector as LabelSelector, p.child('labelSelector')));
  });
  return errs;
}

// ---- security contexts (ValidatePodSecurityContext, ValidateSecurityContext) ----

/** User and group IDs of a pod or container security context: each a valid Unix ID. */
function validateIDs(sc: Obj, fld: FieldPath, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) {
    const v = sc[f];
    if (typeof v === 'number') errs.push(...isValidUserID(v).map((m) => fieldError.invalid(fld.child(f), v, m)));
  }
  arr(sc.supplementalGroups).forEach((g, i) => {
    if (typeof g === 'number') errs.push(...isValidGroupID(g).map((m) => fieldError.invalid(fld.child('supplementalGroups').index(i), g, m)));
  });
  return errs;
}

function validatePodSecurityContext(sc: unknown, fld: FieldPath): FieldError[] {
  if (!isObj(sc)) return [];
  const errs = validateIDs(sc, fld, ['runAsUser', 'runAsGroup', 'fsGroup']);
  if (has(sc, 'fsGroupChangePolicy') && !['Always', 'OnRootMismatch'].includes(str(sc.fsGroupChangePolicy)))
    errs.push(fieldError.notSupported(fld.child('fsGroupChangePolicy'), sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always']));
  return errs;
}

function validateContainerSecurityContext(sc: unknown, fld: FieldPath): FieldError[] {
  if (!isObj(sc)) return [];
  const errs = validateIDs(sc, fld, ['runAsUser', 'runAsGroup']);
  // A privileged container can always escalate: saying it may not would be a lie.
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false)
    errs.push(fieldError.invalid(fld, new GoValue('core.SecurityContext{...}'), 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  if (has(sc, 'procMount') && !['Default', 'Unmasked'].includes(str(sc.procMount)))
    errs.push(fieldError.notSupported(fld.child('procMount'), sc.procMount, ['Default', 'Unmasked']));
  return errs;
}

/** ValidatePodSpec */
export function validatePodSpec(spec: unknown, fld: FieldPath): FieldError[] {
  const s = obj(spec);
  const errs: FieldError[] = [];
  const { errs: volErrs, names: volumes } = validateVolumes(s.volumes, fld.child('volumes'));
  errs.push(...volErrs);
  const ctx: ContainerContext = { volumes, names: new Set(), hostPorts: new Set() };
  arr(s.initContainers).forEach((c, i) => errs.push(...validateContainer(obj(c), fld.child('initContainers').index(i), ctx, 'init')));
  const containers = arr(s.containers);
  if (containers.length === 0) errs.push(fieldError.required(fld.child('containers')));
  containers.forEach((c, i) => errs.push(...validateContainer(obj(c), fld.child('containers').index(i), ctx, 'container')));
  errs.push(...validateEphemeralContainers(s, fld.child('ephemeralContainers'), ctx));
  // validateHostNetwork: on the host's network a container listens on the host's port of the same number.
  if (s.hostNetwork === true)
    for (const l of ['initContainers', 'containers'])
      arr(s[l]).forEach((c, i) =>
        arr(obj(c).ports).forEach((raw, j) => {
          const port = obj(raw);
          const hostPort = num(port.hostPort) ?? 0;
          if (hostPort !== 0 && hostPort !== port.containerPort)
            errs.push(fieldError.invalid(fld.child(l).index(i).child('ports').index(j).child('hostPort'), hostPort, 'must match `containerPort` when `hostNetwork` is true'));
        }),
      );
  if (has(s, 'restartPolicy') && !restartPolicies.includes(str(s.restartPolicy)))
    errs.push(fieldError.notSupported(fld.child('restartPolicy'), s.restartPolicy, restartPolicies));
  if (has(s, 'dnsPolicy') && !dnsPolicies.includes(str(s.dnsPolicy))) errs.push(fieldError.notSupported(fld.child('dnsPolicy'), s.dnsPolicy, dnsPolicies));
  if (s.dnsPolicy === 'None' && !isObj(s.dnsConfig))
    errs.push(fieldError.required(fld.child('dnsConfig'), "must provide `dnsConfig` when `dnsPolicy` is None"));
  errs.push(...validateLabels(s.nodeSelector, fld.child('nodeSelector')));
  const sa = str(s.serviceAccountName);
  if (sa) errs.push(...isDNS1123Subdomain(sa).map((m) => fieldError.invalid(fld.child('serviceAccountName'), sa, m)));
  for (const f of ['hostname', 'subdomain']) {
    const v = str(s[f]);
    if (v) errs.push(...isDNS1123Label(v).map((m) => fieldError.invalid(fld.child(f), v, m)));
  }
  const nodeName = str(s.nodeName);
  if (nodeName) errs.push(...isDNS1123Subdomain(nodeName).map((m) => fieldError.invalid(fld.child('nodeName'), nodeName, m)));
  if (typeof s.activeDeadlineSeconds === 'number' && (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > 2147483647))
    errs.push(fieldError.invalid(fld.child('activeDeadlineSeconds'), s.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  errs.push(...validateNonnegativeField(s.terminationGracePeriodSeconds, fld.child('terminationGracePeriodSeconds')));
  errs.push(...validateTolerations(s.tolerations, fld.child('tolerations')));
  errs.push(...validatePodSecurityContext(s.securityContext, fld.child('securityContext')));
  errs.push(...validateAffinity(s.affinity, fld.child('affinity')));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, fld.child('topologySpreadConstraints')));
  if (has(s, 'priorityClassName')) {
    const pc = str(s.priorityClassName);
    errs.push(...isDNS1123Subdomain(pc).map((m) => fieldError.invalid(fld.child('priorityClassName'), pc, m)));
  }
  return errs;
}

/** ValidatePodTemplateSpec: note Kubernetes reports template labels at `<template>.labels`, not `.metadata.labels`. */
export function validatePodTemplateSpec(template: unknown, fld: FieldPath): FieldError[] {
  const t = obj(template);
  const meta = obj(t.metadata);
  return [...validateLabels(meta.labels, fld.child('labels')), ...validateAnnotations(meta.annotations, fld.child('annotations')), ...validatePodSpec(t.spec, fld.child('spec'))];
}

// ---- Pod updates (ValidatePodUpdate) ----

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/**
 * A running pod's spec is fixed but for images, a shortened deadline and added tolerations: the new spec,
 * with those fields taken from the old one, must equal the old spec.
 */
function validatePodUpdate(pod: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  const specPath = FieldPath.root('spec');
  const newDeadline = num(spec.activeDeadlineSeconds);
  const oldDeadline = num(oldSpec.activeDeadlineSeconds);
  if (oldDeadline !== undefined) {
    if (newDeadline === undefined) errs.push(fieldError.invalid(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
    else if (newDeadline > oldDeadline) errs.push(fieldError.invalid(specPath.child('activeDeadlineSeconds'), newDeadline, 'must be less than or equal to previous value'));
  }
  const oldTolerations = arr(oldSpec.tolerations);
  const newTolerations = arr(spec.tolerations);
  if (!oldTolerations.every((t) => newTolerations.some((n) => deepEqual(t, n))))
    errs.push(fieldError.forbidden(specPath.child('tolerations'), 'existing toleration can not be modified except its tolerationSeconds'));
  const munged: Obj = { ...spec, activeDeadlineSeconds: oldSpec.activeDeadlineSeconds, tolerations: oldSpec.tolerations };
  for (const list of ['containers', 'initContainers']) {
    const olds = arr(oldSpec[list]);
    if (Array.isArray(spec[list]) && arr(spec[list]).length === olds.length)
      munged[list] = arr(spec[list]).map((c, i) => ({ ...obj(c), image: obj(olds[i]).image }));
  }
  if (typeof oldSpec.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && spec.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  // Fields the scheduler sets (binding) may appear once, never change.
  if (!has(oldSpec, 'nodeName')) munged.nodeName = oldSpec.nodeName;
  if (!deepEqual(munged, oldSpec)) {
    const changed = Object.keys({ ...munged, ...oldSpec }).filter((k) => !deepEqual(munged[k], oldSpec[k]));
    errs.push(fieldError.forbidden(specPath, `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n  changed: ${changed.map((k) => `spec.${k}`).join(', ')}`));
  }
  return errs;
}

/** The condition types whose names the status rules take as they are (validatePodConditions). */
const systemPodConditions = new Set(['PodScheduled', 'Ready', 'Initialized']);

/**
 * ValidatePodStatusUpdate, after the metadata: the nominated node's name, condition types, container
 * states that may not leave Terminated, and the pod's and host's IPs.
 */
function validatePodStatusUpdate(pod: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const status = obj(pod.status);
  const oldStatus = obj(old.status);
  const statusPath = FieldPath.root('status');
  const nominated = str(status.nominatedNodeName);
  if (nominated && nominated !== str(oldStatus.nominatedNodeName)) {
    for (const msg of nameIsDNSSubdomain(nominated, false)) errs.push(fieldError.invalid(statusPath.child('nominatedNodeName'), nominated, msg));
  }
  arr(status.conditions).forEach((c, i) => {
    const type = str(obj(c).type);
    // Upstream names this path with a capital T.
    if (!systemPodConditions.has(type)) for (const msg of isQualifiedName(type)) errs.push(fieldError.invalid(statusPath.child('conditions').index(i).child('Type'), type, msg));
  });
  const restartPolicy = str(obj(old.spec).restartPolicy);
  errs.push(...containerStateTransitions(status.containerStatuses, oldStatus.containerStatuses, statusPath.child('containerStatuses'), restartPolicy, new Set()));
  // An init container that restarts (a sidecar) may leave Terminated whatever the pod's policy.
  const sidecars = new Set(arr(obj(old.spec).initContainers).filter((c) => str(obj(c).restartPolicy) === 'Always').map((c) => str(obj(c).name)));
  errs.push(...containerStateTransitions(status.initContainerStatuses, oldStatus.initContainerStatuses, statusPath.child('initContainerStatuses'), restartPolicy, sidecars));
  // core/v1's podIP, when given and unlike podIPs[0], stands for them (the conversion to the internal type).
  const podIP = str(status.podIP);
  const podIPs = arr(status.podIPs).map((p) => str(obj(p).ip));
  errs.push(...validateIPList(podIP && (podIPs.length === 0 || podIPs[0] !== podIP) ? [podIP] : podIPs, statusPath.child('podIPs'), 'core.PodIP'));
  const hostIP = str(status.hostIP);
  const hostIPs = arr(status.hostIPs).map((h) => str(obj(h).ip));
  errs.push(...validateIPList(hostIPs, statusPath.child('hostIPs'), 'core.HostIP'));
  if (hostIPs.length > 0 && hostIPs[0] !== hostIP) errs.push(fieldError.invalid(statusPath.child('hostIPs').index(0).child('ip'), hostIPs[0], 'must be equal to `hostIP`'));
  return errs;
}

/** ValidateContainerStateTransition: under Never (and OnFailure, after exit 0) a terminated container stays terminated. */
function containerStateTransitions(statuses: unknown, oldStatuses: unknown, path: FieldPath, restartPolicy: string, restartable: ReadonlySet<string>): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  arr(oldStatuses).forEach((o, i) => {
    const old = obj(o);
    const terminated = obj(old.state).terminated;
    if (!isObj(terminated) || restartable.has(str(old.name))) return;
    if (num(terminated.exitCode) !== 0 && restartPolicy === 'OnFailure') return;
    for (const n of arr(statuses)) {
      if (str(obj(n).name) === str(old.name) && !isObj(obj(obj(n).state).terminated)) errs.push(fieldError.forbidden(path.index(i).child('state'), 'may not be transitioned to non-terminated state'));
    }
  });
  return errs;
}

/** validatePodIPs and validateHostIPs: valid addresses, at most one of each family, none twice. */
function validateIPList(ips: readonly string[], path: FieldPath, goType: string): FieldError[] {
  const errs: FieldError[] = [];
  ips.forEach((ip, i) => {
    for (const msg of isValidIP(ip)) errs.push(fieldError.invalid(path.index(i), ip, msg));
  });
  const render = (ip: string) => `${goType}{IP:${JSON.stringify(ip)}}`;
  if (ips.length > 1) {
    const v4 = ips.filter((ip) => isIPv4(ip)).length;
    const v6 = ips.filter((ip) => !isIPv4(ip) && isIPv6(ip)).length;
    if (ips.length > 2 || v4 !== 1 || v6 !== 1) errs.push(fieldError.invalid(path, new GoValue(`[]${goType}{${ips.map(render).join(', ')}}`), 'may specify no more than one IP for each IP family'));
  }
  const seen = new Set<string>();
  ips.forEach((ip, i) => {
    if (seen.has(ip)) errs.push(fieldError.duplicate(path.index(i), new GoValue(render(ip))));
    seen.add(ip);
  });
  return errs;
}

/**
 * ValidatePodEphemeralContainersUpdate: the pod's spec as a whole (the new ephemeral containers
 * against its containers and volumes), and ephemeral containers once added are never changed or
 * removed.
 */
function validatePodEphemeralContainersUpdate(pod: Obj, old: Obj): FieldError[] {
  const errs = validatePodSpec(pod.spec, FieldPath.root('spec'));
  const fld = FieldPath.root('spec').child('ephemeralContainers');
  const now = new Map(arr(obj(pod.spec).ephemeralContainers).map((c) => [str(obj(c).name), c] as const));
  for (const before of arr(obj(old.spec).ephemeralContainers)) {
    const name = str(obj(before).name);
    const after = now.get(name);
    if (after === undefined) errs.push(fieldError.forbidden(fld, `existing ephemeral containers ${JSON.stringify(name)} may not be removed\n`));
    else if (!deepEqual(after, before)) errs.push(fieldError.forbidden(fld, `existing ephemeral containers ${JSON.stringify(name)} may not be changed\n`));
  }
  return errs;
}

registerKindRules('', 'Pod', {
  name: nameIsDNSSubdomain,
  validate: (pod) => validatePodSpec(pod.spec, FieldPath.root('spec')),
  validateUpdate: validatePodUpdate,
  validateStatusUpdate: validatePodStatusUpdate,
  validateEphemeralContainersUpdate: validatePodEphemeralContainersUpdate,
});

registerKindRules('', 'PodTemplate', {
  name: nameIsDNSSubdomain,
  validate: (pt) => validatePodTemplateSpec(pt.template, FieldPath.root('template')),
});
