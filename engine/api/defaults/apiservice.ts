// APIService defaults: a service-backed APIService is reached on the Service's port 443.

import { child, isObj, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('apiregistration.k8s.io', 'APIService', (apiService) => {
  const spec = child(apiService, 'spec');
  if (isObj(spec.service)) setDefault(spec.service, 'port', 443);
});
