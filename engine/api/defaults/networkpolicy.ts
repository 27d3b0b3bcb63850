// NetworkPolicy defaults (networking/v1 SetDefaults_NetworkPolicy and its ports).

import { child, list, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('networking.k8s.io', 'NetworkPolicy', (np) => {
  const spec = child(np, 'spec');
  // A policy that names no types is at least about ingress; egress rules add egress.
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0) spec.policyTypes.push('Egress');
  }
  for (const rules of [spec.ingress, spec.egress]) for (const r of list(rules)) for (const p of list(r.ports)) setDefault(p, 'protocol', 'TCP');
});
