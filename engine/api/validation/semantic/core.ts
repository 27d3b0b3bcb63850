// core/v1 rules beyond pods (pkg/apis/core/validation): Services, ConfigMaps and Secrets, volumes and
// claims, Nodes, Endpoints, Events, quotas and limit ranges — and what their updates may not change.

import { fieldError, FieldPath, GoValue, type FieldError } from '../../errors.js';
import { Quantity } from '../../quantity.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidCIDR,
  isValidIP,
  isValidLabelValue,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  tooLongBytes,
  validateLabels,
} from '../names.js';
import { arr, at, deepEqual, goStringSlice, has, isObj, num, obj, str } from './common.js';
import { taintEffects, validatePortNumOrName, validateResourceQuantity } from './pod.js';
import { registerKindRules, type Obj } from './registry.js';

const root = FieldPath.root;
const spec = root('spec');
const supportedProtocols = ['SCTP', 'TCP', 'UDP'];
/** core.MaxSecretSize: ConfigMaps and Secrets each hold at most 1 MiB of data. */
export const maxSecretSize = 1 * 1024 * 1024;

// ---- Service ----

/** The default NodePort range (kube-apiserver --service-node-port-range). */
export const serviceNodePortRange = { base: 30000, size: 2768 };

/** core.ServicePort as Go's %#v prints it in a Duplicate error. */
function goServicePort(p: Obj): GoValue {
  const tp = p.targetPort;
  const target =
    typeof tp === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(tp)}}` : `intstr.IntOrString{Type:0, IntVal:${num(tp) ?? 0}, StrVal:""}`;
  const appProtocol = has(p, 'appProtocol') ? `(*string)(${JSON.stringify(p.appProtocol)})` : '(*string)(nil)';
  return new GoValue(
    `core.ServicePort{Name:${JSON.stringify(str(p.name))}, Protocol:${JSON.stringify(str(p.protocol))}, AppProtocol:${appProtocol}, Port:${num(p.port) ?? 0}, TargetPort:${target}, NodePort:${num(p.nodePort) ?? 0}}`,
  );
}

function validateService(svc: Obj): FieldError[] {
  const s = obj(svc.spec);
  const errs: FieldError[] = [];
  const type = has(s, 'type') ? str(s.type) : 'ClusterIP';
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!types.includes(type)) errs.push(fieldError.notSupported(spec.child('type'), type, types));
  const clusterIPs: string[] = arr(s.clusterIPs).length ? arr(s.clusterIPs).map(String) : str(s.clusterIP) ? [str(s.clusterIP)] : [];
  const headless = clusterIPs[0] === 'None';
  const ports = arr(s.ports).map(obj);

  if (type === 'ExternalName') {
    if (clusterIPs.length > 0 && clusterIPs[0] !== '') errs.push(fieldError.forbidden(spec.child('clusterIPs'), 'may not be set for ExternalName services'));
    const cname = str(s.externalName).replace(/\.$/, '');
    if (!cname) errs.push(fieldError.required(spec.child('externalName')));
    else {
      const msgs = isDNS1123Subdomain(cname);
      if (msgs.length) errs.push(fieldError.invalid(spec.child('externalName'), cname, msgs.join(',')));
      else if (cname.split('.').length < 2) errs.push(fieldError.invalid(spec.child('externalName'), cname, 'should be a domain with at least two segments separated by dots'));
    }
  } else {
    if (ports.length === 0 && !headless) errs.push(fieldError.required(spec.child('ports')));
    clusterIPs.forEach((ip, i) => {
      if (ip === 'None' || ip === '') return;
      errs.push(...isValidIP(ip).map((m) => fieldError.invalid(spec.child('clusterIPs').index(i), ip, m)));
    });
    if (headless && (type === 'LoadBalancer' || type === 'NodePort'))
      errs.push(fieldError.invalid(spec.child('clusterIPs').index(0), 'None', `may not be set to 'None' for ${type} services`));
  }

  const names = new Set<string>();
  const portKeys = new Map<string, number>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const pp = spec.child('ports').index(i);
    const name = str(p.name);
    if (ports.length > 1 && !name) errs.push(fieldError.required(pp.child('name')));
    else if (name) {
      errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(pp.child('name'), name, m)));
      if (names.has(name)) errs.push(fieldError.duplicate(pp.child('name'), name));
      names.add(name);
    }
    const port = num(p.port) ?? 0;
    errs.push(...isValidPortNum(port).map((m) => fieldError.invalid(pp.child('port'), port, m)));
    const protocol = has(p, 'protocol') ? str(p.protocol) : 'TCP';
    if (!protocol) errs.push(fieldError.required(pp.child('protocol')));
    else if (!supportedProtocols.includes(protocol)) errs.push(fieldError.notSupported(pp.child('protocol'), protocol, supportedProtocols));
    if (has(p, 'targetPort')) errs.push(...validatePortNumOrName(p.targetPort, pp.child('targetPort')));
    const key = `${port}/${protocol}`;
    if (portKeys.has(key)) errs.push(fieldError.duplicate(pp, goServicePort({ protocol, ...p })));
    else portKeys.set(key, i);
    const nodePort = num(p.nodePort) ?? 0;
    if (nodePort !== 0) {
      if (type === 'ClusterIP') errs.push(fieldError.forbidden(pp.child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
      else if (type !== 'ExternalName') {
        // The allocator's check, which Kubernetes runs right after validation.
        if (nodePort < serviceNodePortRange.base || nodePort >= serviceNodePortRange.base + serviceNodePortRange.size)
          errs.push(
            fieldError.invalid(pp.child('nodePort'), nodePort, `provided port is not in the valid range. The range of valid ports is ${serviceNodePortRange.base}-${serviceNodePortRange.base + serviceNodePortRange.size - 1}`),
          );
        const nk = `${nodePort}/${protocol}`;
        if (nodePorts.has(nk)) errs.push(fieldError.duplicate(pp.child('nodePort'), nodePort));
        nodePorts.add(nk);
      }
    }
  });

  if (type !== 'ExternalName') errs.push(...validateLabels(s.selector, spec.child('selector')));
  if (has(s, 'sessionAffinity') && !['ClientIP', 'None'].includes(str(s.sessionAffinity)))
    errs.push(fieldError.notSupported(spec.child('sessionAffinity'), s.sessionAffinity, ['ClientIP', 'None']));
  if (has(s, 'externalTrafficPolicy')) {
    if (type !== 'NodePort' && type !== 'LoadBalancer')
      errs.push(fieldError.invalid(spec.child('externalTrafficPolicy'), s.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    else if (!['Cluster', 'Local'].includes(str(s.externalTrafficPolicy)))
      errs.push(fieldError.notSupported(spec.child('externalTrafficPolicy'), s.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (has(s, 'internalTrafficPolicy') && !['Cluster', 'Local'].includes(str(s.internalTrafficPolicy)))
    errs.push(fieldError.notSupported(spec.child('internalTrafficPolicy'), s.internalTrafficPolicy, ['Cluster', 'Local']));
  const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (has(s, 'ipFamilyPolicy') && !ipFamilyPolicies.includes(str(s.ipFamilyPolicy)))
    errs.push(fieldError.notSupported(spec.child('ipFamilyPolicy'), s.ipFamilyPolicy, ipFamilyPolicies));
  arr(s.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fieldError.notSupported(spec.child('ipFamilies').index(i), f, ['IPv4', 'IPv6']));
  });
  return errs;
}

/** A service's primary cluster IP is fixed once allocated, unless the service is or becomes ExternalName. */
function validateServiceUpdate(n: Obj, o: Obj): FieldError[] {
  const ns = obj(n.spec);
  const os = obj(o.spec);
  if (ns.type === 'ExternalName' || os.type === 'ExternalName') return [];
  const newIPs = arr(ns.clusterIPs).length ? arr(ns.clusterIPs).map(String) : str(ns.clusterIP) ? [str(ns.clusterIP)] : [];
  const oldIPs = arr(os.clusterIPs).length ? arr(os.clusterIPs).map(String) : str(os.clusterIP) ? [str(os.clusterIP)] : [];
  // An update that leaves the cluster IP out keeps the allocated one (the REST layer copies it over).
  if (newIPs.length === 0 || oldIPs.length === 0) return [];
  return newIPs[0] !== oldIPs[0] ? [fieldError.invalid(spec.child('clusterIPs').index(0), goStringSlice(newIPs), 'may not change once set')] : [];
}

registerKindRules('', 'Service', { name: nameIsDNS1035Label, validate: validateService, validateUpdate: validateServiceUpdate });

// ---- ConfigMap and Secret ----

function validateConfigMap(cm: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(cm.data);
  const binaryData = obj(cm.binaryData);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(root('data').key(key), key, m)));
    if (key in binaryData) errs.push(fieldError.invalid(root('data').key(key), key, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(str(value), 'utf8');
  }
  for (const [key, value] of Object.entries(binaryData)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(root('binaryData').key(key), key, m)));
    if (key in data) errs.push(fieldError.invalid(root('binaryData').key(key), key, 'duplicate of key present in data'));
    total += base64Length(value);
  }
  // An empty path: the error is about the whole object.
  if (total > maxSecretSize) errs.push(tooLongBytes('', maxSecretSize));
  return errs;
}

/** Decoded length of a base64 value, as the API server stores []byte. */
function base64Length(v: unknown): number {
  const s = str(v).replace(/\s/g, '');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - pad;
}

/** With `immutable: true` stored, neither the flag nor the data may change any more. */
function validateImmutableData(n: Obj, o: Obj, fields: string[]): FieldError[] {
  if (o.immutable !== true) return [];
  const errs: FieldError[] = [];
  const detail = 'field is immutable when `immutable` is set';
  if (n.immutable !== true) errs.push(fieldError.forbidden(root('immutable'), detail));
  for (const f of fields) if (!deepEqual(n[f] ?? {}, o[f] ?? {})) errs.push(fieldError.forbidden(root(f), detail));
  return errs;
}

// ValidateConfigMapUpdate and ValidateSecretUpdate check what may not change before the new content.
registerKindRules('', 'ConfigMap', {
  name: nameIsDNSSubdomain,
  validate: (cm, _kind, old) => (old ? [] : validateConfigMap(cm)),
  validateUpdate: (n, o) => [...validateImmutableData(n, o, ['data', 'binaryData']), ...validateConfigMap(n)],
});

function validateSecret(secret: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const dataPath = root('data');
  // stringData is merged into data (and wins) when the API server decodes a Secret.
  const keys = new Map<string, number>();
  for (const [k, v] of Object.entries(obj(secret.data))) keys.set(k, base64Length(v));
  for (const [k, v] of Object.entries(obj(secret.stringData))) keys.set(k, Buffer.byteLength(str(v), 'utf8'));
  let total = 0;
  for (const [key, len] of keys) {
    errs.push(...isConfigMapKey(key).map((m) => fieldError.invalid(dataPath.key(key), key, m)));
    total += len;
  }
  if (total > maxSecretSize) errs.push(tooLongBytes(dataPath, maxSecretSize));
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (!str(obj(obj(secret.metadata).annotations)['kubernetes.io/service-account.name']))
        errs.push(fieldError.required(at(root('metadata'), 'annotations').key('kubernetes.io/service-account.name')));
      break;
    case 'kubernetes.io/dockercfg':
      if (!keys.has('.dockercfg')) errs.push(fieldError.required(dataPath.key('.dockercfg')));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!keys.has('.dockerconfigjson')) errs.push(fieldError.required(dataPath.key('.dockerconfigjson')));
      break;
    case 'kubernetes.io/basic-auth':
      if (!keys.has('username') && !keys.has('password')) errs.push(fieldError.required(dataPath.key('username')), fieldError.required(dataPath.key('password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!keys.get('ssh-privatekey')) errs.push(fieldError.required(dataPath.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!keys.has('tls.crt')) errs.push(fieldError.required(dataPath.key('tls.crt')));
      if (!keys.has('tls.key')) errs.push(fieldError.required(dataPath.key('tls.key')));
      break;
  }
  return errs;
}

registerKindRules('', 'Secret', {
  name: nameIsDNSSubdomain,
  validate: (secret, _kind, old) => (old ? [] : validateSecret(secret)),
  validateUpdate: (n, o) => {
    const errs: FieldError[] = [];
    const nt = n.type ?? 'Opaque';
    const ot = o.type ?? 'Opaque';
    if (nt !== ot) errs.push(fieldError.invalid(root('type'), nt, 'field is immutable'));
    errs.push(...validateImmutableData(n, o, ['data']));
    errs.push(...validateSecret(n));
    return errs;
  },
});

// ---- Namespace, ServiceAccount ----

registerKindRules('', 'Namespace', {
  name: nameIsDNSLabel,
  validate: (ns) => {
    const errs: FieldError[] = [];
    arr(obj(ns.spec).finalizers).forEach((f, i) => {
      const name = str(f);
      // validateFinalizerName: a qualified name, and either standard ("kubernetes") or domain-prefixed.
      const msgs = isQualifiedName(name);
      for (const m of msgs) errs.push(fieldError.invalid(at(spec, 'finalizers').index(i), name, m));
      if (!msgs.length && !name.includes('/') && name !== 'kubernetes')
        errs.push(fieldError.invalid(at(spec, 'finalizers').index(i), name, 'name is neither a standard finalizer name nor is it fully qualified'));
    });
    return errs;
  },
});

registerKindRules('', 'ServiceAccount', { name: nameIsDNSSubdomain });

// ---- PersistentVolumeClaim and PersistentVolume ----

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(s: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const modes = arr(s.accessModes);
  if (modes.length === 0) errs.push(fieldError.required(fld.child('accessModes'), 'at least 1 access mode is required'));
  for (const m of modes) if (!accessModes.includes(str(m))) errs.push(fieldError.notSupported(fld.child('accessModes'), m, accessModes));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1)
    errs.push(fieldError.forbidden(fld.child('accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** ValidatePositiveQuantityValue and then ValidateResourceQuantityValue. */
function validatePositiveQuantity(v: unknown, fld: FieldPath): FieldError[] {
  const { errs, q } = validateResourceQuantity(v, fld);
  if (q && q.sign() <= 0) return [fieldError.invalid(fld, q.toString(), 'must be greater than zero')];
  return errs;
}

export function validatePersistentVolumeClaimSpec(specObj: unknown, fld: FieldPath): FieldError[] {
  const s = obj(specObj);
  const errs = validateAccessModes(s, fld);
  if (isObj(s.selector)) errs.push(...validateLabelSelector(s.selector as LabelSelector, fld.child('selector')));
  const requests = obj(obj(s.resources).requests);
  const storagePath = fld.child('resources').key('storage');
  if (!has(requests, 'storage')) errs.push(fieldError.required(storagePath));
  else errs.push(...validatePositiveQuantity(requests.storage, storagePath));
  const sc = str(s.storageClassName);
  if (sc) errs.push(...isDNS1123Subdomain(sc).map((m) => fieldError.invalid(fld.child('storageClassName'), sc, m)));
  if (has(s, 'volumeMode') && !['Block', 'Filesystem'].includes(str(s.volumeMode)))
    errs.push(fieldError.notSupported(fld.child('volumeMode'), s.volumeMode, ['Block', 'Filesystem']));
  return errs;
}

/** A claim's spec is fixed but for binding once to a volume and, when bound, growing its storage request. */
function validatePVCUpdate(n: Obj, o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns = structuredClone(obj(n.spec));
  const os = structuredClone(obj(o.spec));
  if (!str(os.volumeName)) os.volumeName = ns.volumeName;
  // The stored status decides: an update of the main resource never changes status.
  const bound = obj(o.status).phase === 'Bound';
  const newSize = Quantity.tryParse(obj(obj(ns.resources).requests).storage);
  const oldSize = Quantity.tryParse(obj(obj(os.resources).requests).storage);
  if (bound && isObj(obj(ns.resources).requests)) {
    (obj(ns.resources).requests as Obj).storage = obj(obj(os.resources).requests).storage;
  }
  delete ns.volumeAttributesClassName;
  delete os.volumeAttributesClassName;
  if (!deepEqual(ns, os)) errs.push(fieldError.forbidden(spec, 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  if (newSize && oldSize && newSize.cmp(oldSize) < 0)
    errs.push(fieldError.forbidden(at(spec, 'resources', 'requests', 'storage'), 'field can not be less than previous value'));
  return errs;
}

registerKindRules('', 'PersistentVolumeClaim', {
  name: nameIsDNSSubdomain,
  validate: (pvc) => validatePersistentVolumeClaimSpec(pvc.spec, spec),
  validateUpdate: validatePVCUpdate,
});

const pvSources = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi', 'cinder',
  'fc', 'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi',
];

registerKindRules('', 'PersistentVolume', {
  name: nameIsDNSSubdomain,
  validate: (pv) => {
    const s = obj(pv.spec);
    const errs = validateAccessModes(s, spec);
    const capacity = obj(s.capacity);
    if (Object.keys(capacity).length === 0) errs.push(fieldError.required(spec.child('capacity')));
    else if (!has(capacity, 'storage') || Object.keys(capacity).length > 1)
      errs.push(fieldError.notSupported(spec.child('capacity'), new GoValue(`core.ResourceList{...}`), ['storage']));
    else errs.push(...validatePositiveQuantity(capacity.storage, spec.child('capacity').key('storage')));
    const policies = ['Delete', 'Recycle', 'Retain'];
    if (has(s, 'persistentVolumeReclaimPolicy') && !policies.includes(str(s.persistentVolumeReclaimPolicy)))
      errs.push(fieldError.notSupported(spec.child('persistentVolumeReclaimPolicy'), s.persistentVolumeReclaimPolicy, policies));
    const sources = pvSources.filter((k) => has(s, k));
    if (sources.length === 0) errs.push(fieldError.required(spec, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(fieldError.forbidden(spec.child(extra), 'may not specify more than 1 volume type'));
    if (isObj(s.hostPath) && !str(s.hostPath.path)) errs.push(fieldError.required(at(spec, 'hostPath', 'path')));
    if (isObj(s.local) && !str(s.local.path)) errs.push(fieldError.required(at(spec, 'local', 'path')));
    const sc = str(s.storageClassName);
    if (sc) errs.push(...isDNS1123Subdomain(sc).map((m) => fieldError.invalid(spec.child('storageClassName'), sc, m)));
    return errs;
  },
});

// ---- Node ----

registerKindRules('', 'Node', {
  name: nameIsDNSSubdomain,
  validate: (node) => {
    const s = obj(node.spec);
    const errs: FieldError[] = [];
    const cidrs = arr(s.podCIDRs).length ? arr(s.podCIDRs) : str(s.podCIDR) ? [s.podCIDR] : [];
    cidrs.forEach((c, i) => errs.push(...isValidCIDR(str(c)).map((m) => fieldError.invalid(spec.child('podCIDRs').index(i), c, m))));
    const seen = new Set<string>();
    arr(s.taints).forEach((raw, i) => {
      const t = obj(raw);
      const p = spec.child('taints').index(i);
      const key = str(t.key);
      errs.push(...isQualifiedName(key).map((m) => fieldError.invalid(p.child('key'), key, m)));
      if (has(t, 'value')) errs.push(...isValidLabelValue(str(t.value)).map((m) => fieldError.invalid(p.child('value'), t.value, m)));
      if (!str(t.effect)) errs.push(fieldError.required(p.child('effect')));
      else if (!taintEffects.includes(str(t.effect))) errs.push(fieldError.notSupported(p.child('effect'), t.effect, taintEffects));
      const k = `${key}:${str(t.effect)}`;
      if (seen.has(k)) errs.push(fieldError.duplicate(p, new GoValue(`core.Taint{Key:${JSON.stringify(key)}, Value:${JSON.stringify(str(t.value))}, Effect:${JSON.stringify(str(t.effect))}, TimeAdded:<nil>}`)));
      seen.add(k);
    });
    return errs;
  },
});

// ---- Endpoints ----

registerKindRules('', 'Endpoints', {
  name: nameIsDNSSubdomain,
  validate: (ep) => {
    const errs: FieldError[] = [];
    arr(ep.subsets).forEach((raw, i) => {
      const ss = obj(raw);
      const p = root('subsets').index(i);
      if (arr(ss.addresses).length === 0 && arr(ss.notReadyAddresses).length === 0)
        errs.push(fieldError.required(p, 'must specify `addresses` or `notReadyAddresses`'));
      for (const list of ['addresses', 'notReadyAddresses'])
        arr(ss[list]).forEach((a, j) => {
          const ip = str(obj(a).ip);
          errs.push(...isValidIP(ip).map((m) => fieldError.invalid(p.child(list).index(j).child('ip'), ip, m)));
        });
      const ports = arr(ss.ports).map(obj);
      ports.forEach((port, j) => {
        const pp = p.child('ports').index(j);
        const name = str(port.name);
        if (ports.length > 1 && !name) errs.push(fieldError.required(pp.child('name')));
        else if (name) errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(pp.child('name'), name, m)));
        const n = num(port.port) ?? 0;
        errs.push(...isValidPortNum(n).map((m) => fieldError.invalid(pp.child('port'), n, m)));
        const protocol = has(port, 'protocol') ? str(port.protocol) : 'TCP';
        if (!supportedProtocols.includes(protocol)) errs.push(fieldError.notSupported(pp.child('protocol'), protocol, supportedProtocols));
      });
    });
    return errs;
  },
});

// ---- Event (core/v1): legacyValidateEvent, lenient for old clients ----

registerKindRules('', 'Event', {
  name: nameIsDNSSubdomain,
  validate: (ev) => {
    const errs: FieldError[] = [];
    const ns = str(obj(ev.metadata).namespace);
    const involvedNs = str(obj(ev.involvedObject).namespace);
    const nsPath = at(root('involvedObject'), 'namespace');
    if (!str(ev.eventTime)) {
      // Old-style events: an event about a cluster-scoped object lives in "default" (or nowhere).
      if (!involvedNs ? ns !== '' && ns !== 'default' : ns !== involvedNs) errs.push(fieldError.invalid(nsPath, involvedNs, 'does not match event.namespace'));
    } else {
      if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(fieldError.invalid(nsPath, involvedNs, 'does not match event.namespace'));
      // core/v1 calls the reporting controller `source` in its messages.
      const controller = str(ev.reportingComponent);
      if (!controller) errs.push(fieldError.required(root('source')));
      errs.push(...isQualifiedName(controller).map((m) => fieldError.invalid(root('source'), controller, m)));
      if (!str(ev.reportingInstance)) errs.push(fieldError.required(root('reportingInstance')));
      if (!str(ev.action)) errs.push(fieldError.required(root('action')));
      if (!str(ev.reason)) errs.push(fieldError.required(root('reason')));
    }
    return errs;
  },
});

// ---- ResourceQuota and LimitRange ----

function validateResourceList(list: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, v] of Object.entries(obj(list))) {
    const p = fld.key(name);
    errs.push(...isQualifiedName(name).map((m) => fieldError.invalid(p, name, m)));
    errs.push(...validateResourceQuantity(v, p).errs);
  }
  return errs;
}

registerKindRules('', 'ResourceQuota', {
  name: nameIsDNSSubdomain,
  validate: (rq) => {
    const s = obj(rq.spec);
    const errs = validateResourceList(s.hard, spec.child('hard'));
    const scopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];
    arr(s.scopes).forEach((sc) => {
      if (!scopes.includes(str(sc))) errs.push(fieldError.notSupported(spec.child('scopes'), sc, scopes));
    });
    return errs;
  },
});

registerKindRules('', 'LimitRange', {
  name: nameIsDNSSubdomain,
  validate: (lr) => {
    const errs: FieldError[] = [];
    const types = ['Container', 'PersistentVolumeClaim', 'Pod'];
    arr(obj(lr.spec).limits).forEach((raw, i) => {
      const item = obj(raw);
      const p = spec.child('limits').index(i);
      const type = str(item.type);
      if (!types.includes(type)) errs.push(fieldError.notSupported(p.child('type'), type, types));
      if (type === 'Pod') {
        if (Object.keys(obj(item.default)).length) errs.push(fieldError.forbidden(p.child('default'), "may not be specified when `type` is 'Pod'"));
        if (Object.keys(obj(item.defaultRequest)).length) errs.push(fieldError.forbidden(p.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
      }
      const q = (field: string): Map<string, Quantity> => {
        const m = new Map<string, Quantity>();
        for (const [k, v] of Object.entries(obj(item[field]))) {
          const { errs: qe, q: parsed } = validateResourceQuantity(v, p.child(field).key(k));
          errs.push(...qe);
          if (parsed) m.set(k, parsed);
        }
        return m;
      };
      const min = q('min');
      const max = q('max');
      const def = q('default');
      const defReq = q('defaultRequest');
      for (const [k, mn] of min) {
        const mx = max.get(k);
        if (mx && mn.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('min').key(k), mn.toString(), `min value ${mn} is greater than max value ${mx}`));
      }
      for (const [k, d] of defReq) {
        const mn = min.get(k);
        const mx = max.get(k);
        const dl = def.get(k);
        if (mn && d.cmp(mn) < 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), d.toString(), `min value ${mn} is greater than default request value ${d}`));
        if (dl && d.cmp(dl) > 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), d.toString(), `default request value ${d} is greater than default limit value ${dl}`));
        if (mx && d.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('defaultRequest').key(k), d.toString(), `default request value ${d} is greater than max value ${mx}`));
      }
      for (const [k, d] of def) {
        const mn = min.get(k);
        const mx = max.get(k);
        if (mn && d.cmp(mn) < 0) errs.push(fieldError.invalid(p.child('default').key(k), d.toString(), `min value ${mn} is greater than default value ${d}`));
        if (mx && d.cmp(mx) > 0) errs.push(fieldError.invalid(p.child('default').key(k), d.toString(), `default value ${d} is greater than max value ${mx}`));
      }
      const ratio = obj(item.maxLimitRequestRatio);
      for (const [k, v] of Object.entries(ratio)) {
        const r = Quantity.tryParse(v);
        if (r && r.cmp(Quantity.fromValue(1)) < 0)
          errs.push(fieldError.invalid(p.child('maxLimitRequestRatio').key(k), r.toString(), `ratio ${r} is less than 1`));
      }
    });
    return errs;
  },
});

