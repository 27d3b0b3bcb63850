// EndpointSlice defaults (discovery/v1 SetDefaults_EndpointPort): an empty name and TCP.

import { list, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('discovery.k8s.io', 'EndpointSlice', (es) => {
  for (const p of list(es.ports)) {
    if (p.name == null) p.name = '';
    setDefault(p, 'protocol', 'TCP');
  }
});
