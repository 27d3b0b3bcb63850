// Secret defaults: type Opaque, and stringData folded into data as decoding does.

import { child, isObj, registerDefaulter, setDefault } from './registry.js';

// stringData is write-only: decoding merges it into data (base64, overriding same keys) and drops it.
registerDefaulter('', 'Secret', (s) => {
  setDefault(s, 'type', 'Opaque');
  if (isObj(s.stringData)) {
    const data = child(s, 'data');
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete s.stringData;
  }
});
