// Defaults of networking, discovery, storage, autoscaling/v2 and RBAC objects (their v1 defaults.go).

import { canonicalizeQuantity } from './quantities.js';
import { child, isObj, list, registerDefaulter, setDefault, type Obj } from './registry.js';

registerDefaulter('networking.k8s.io', 'NetworkPolicy', (np) => {
  const spec = child(np, 'spec');
  // A policy that names no types is at least about ingress; egress rules add egress.
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0) spec.policyTypes.push('Egress');
  }
  for (const rules of [spec.ingress, spec.egress]) for (const r of list(rules)) for (const p of list(r.ports)) setDefault(p, 'protocol', 'TCP');
});

registerDefaulter('networking.k8s.io', 'IngressClass', (ic) => {
  const spec = child(ic, 'spec');
  if (isObj(spec.parameters)) setDefault(spec.parameters, 'scope', 'Cluster');
});

registerDefaulter('discovery.k8s.io', 'EndpointSlice', (es) => {
  for (const p of list(es.ports)) {
    if (p.name == null) p.name = '';
    setDefault(p, 'protocol', 'TCP');
  }
});

registerDefaulter('storage.k8s.io', 'StorageClass', (sc) => {
  setDefault(sc, 'reclaimPolicy', 'Delete');
  setDefault(sc, 'volumeBindingMode', 'Immediate');
});

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: fill only what the user left out. */
function scalingRules(rules: unknown, defaults: Obj): Obj {
  const r: Obj = isObj(rules) ? rules : {};
  if (r.stabilizationWindowSeconds == null) r.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
  if (!r.selectPolicy) r.selectPolicy = 'Max';
  if (!Array.isArray(r.policies)) r.policies = defaults.policies;
  return r;
}

registerDefaulter('autoscaling', 'HorizontalPodAutoscaler', (hpa) => {
  const spec = child(hpa, 'spec');
  setDefault(spec, 'minReplicas', 1);
  // Without metrics an HPA scales on 80% average CPU utilization.
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  for (const m of list(spec.metrics))
    for (const src of ['object', 'pods', 'resource', 'containerResource', 'external'])
      if (isObj(m[src]) && isObj(m[src].target)) {
        canonicalizeQuantity(m[src].target, 'value');
        canonicalizeQuantity(m[src].target, 'averageValue');
      }
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = scalingRules(spec.behavior.scaleUp, {
      stabilizationWindowSeconds: 0,
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    spec.behavior.scaleDown = scalingRules(spec.behavior.scaleDown, {
      stabilizationWindowSeconds: 300,
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
  }
});

const rbacGroup = 'rbac.authorization.k8s.io';

function setDefaultsBinding(b: Obj): void {
  setDefault(child(b, 'roleRef'), 'apiGroup', rbacGroup);
  // SetDefaults_Subject: users and groups are RBAC subjects; service accounts are core objects.
  for (const s of list(b.subjects)) {
    if (s.apiGroup != null && s.apiGroup !== '') continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

registerDefaulter(rbacGroup, 'RoleBinding', setDefaultsBinding);
registerDefaulter(rbacGroup, 'ClusterRoleBinding', setDefaultsBinding);
