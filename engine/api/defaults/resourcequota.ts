// ResourceQuota defaults: hard limits stored as canonical milli-rounded quantities.

import { canonicalizeResourceList } from './quantities.js';
import { isObj, registerDefaulter } from './registry.js';

registerDefaulter('', 'ResourceQuota', (rq) => {
  if (isObj(rq.spec)) canonicalizeResourceList(rq.spec.hard);
});
