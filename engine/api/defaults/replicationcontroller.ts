// ReplicationController defaults (SetDefaults_ReplicationController): selector and labels from the
// template, one replica.

import { setDefaultsPodTemplateSpec } from './pod.js';
import { child, isObj, registerDefaulter, setDefault } from './registry.js';

// SetDefaults_ReplicationController: selector and labels come from the template's labels when unset.
registerDefaulter('', 'ReplicationController', (rc) => {
  const spec = child(rc, 'spec');
  const labels = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  if (isObj(labels)) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = child(rc, 'metadata');
    if (!isObj(meta.labels) || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
  }
  setDefault(spec, 'replicas', 1);
  setDefaultsPodTemplateSpec(spec.template);
});
