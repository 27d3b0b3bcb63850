// StorageClass defaults (storage/v1 SetDefaults_StorageClass): Delete and Immediate binding.

import { registerDefaulter, setDefault } from './registry.js';

registerDefaulter('storage.k8s.io', 'StorageClass', (sc) => {
  setDefault(sc, 'reclaimPolicy', 'Delete');
  setDefault(sc, 'volumeBindingMode', 'Immediate');
});
