// Namespace defaults: the kubernetes.io/metadata.name label and an Active phase.

import { child, registerDefaulter, setDefault } from './registry.js';

// The kubernetes.io/metadata.name label lets namespace selectors pick a namespace by its name.
registerDefaulter('', 'Namespace', (ns) => {
  const meta = child(ns, 'metadata');
  if (typeof meta.name === 'string' && meta.name) child(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
  setDefault(child(ns, 'status'), 'phase', 'Active');
});
