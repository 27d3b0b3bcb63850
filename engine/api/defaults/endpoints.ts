// Endpoints defaults: ports speak TCP unless they say otherwise.

import { list, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('', 'Endpoints', (ep) => {
  for (const subset of list(ep.subsets)) for (const p of list(subset.ports)) setDefault(p, 'protocol', 'TCP');
});
