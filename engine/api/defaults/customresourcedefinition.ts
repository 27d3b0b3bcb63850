// CustomResourceDefinition defaults (apiextensions/v1 SetDefaults_CustomResourceDefinitionSpec): the
// singular and list names from the kind, and no conversion webhook.

import { child, registerDefaulter } from './registry.js';

registerDefaulter('apiextensions.k8s.io', 'CustomResourceDefinition', (crd) => {
  const spec = child(crd, 'spec');
  const names = child(spec, 'names');
  const kind = typeof names.kind === 'string' ? names.kind : '';
  if (!names.singular) names.singular = kind.toLowerCase();
  if (!names.listKind && kind) names.listKind = `${kind}List`;
  if (spec.conversion == null) spec.conversion = { strategy: 'None' };
});
