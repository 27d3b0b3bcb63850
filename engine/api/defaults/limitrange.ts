// LimitRange defaults (SetDefaults_LimitRangeItem).

import { canonicalizeResourceList } from './quantities.js';
import { isObj, list, type Obj, registerDefaulter } from './registry.js';

/** SetDefaults_LimitRangeItem: a container's default limit is its max, its default request the limit or the min. */
registerDefaulter('', 'LimitRange', (lr) => {
  for (const item of list(isObj(lr.spec) ? lr.spec.limits : undefined)) {
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) canonicalizeResourceList(item[f]);
    if (item.type !== 'Container') continue;
    const def: Obj = isObj(item.default) ? item.default : {};
    const defReq: Obj = isObj(item.defaultRequest) ? item.defaultRequest : {};
    for (const [k, v] of Object.entries(isObj(item.max) ? item.max : {})) if (def[k] === undefined) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (defReq[k] === undefined) defReq[k] = v;
    for (const [k, v] of Object.entries(isObj(item.min) ? item.min : {})) if (defReq[k] === undefined) defReq[k] = v;
    // Empty maps are omitted when stored.
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(defReq).length) item.defaultRequest = defReq;
  }
});
