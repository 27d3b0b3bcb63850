// IngressClass defaults: parameters are cluster-scoped unless said otherwise.

import { child, isObj, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('networking.k8s.io', 'IngressClass', (ic) => {
  const spec = child(ic, 'spec');
  if (isObj(spec.parameters)) setDefault(spec.parameters, 'scope', 'Cluster');
});
