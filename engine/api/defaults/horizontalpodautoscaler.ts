// HorizontalPodAutoscaler defaults (autoscaling/v2): one replica at least, 80% CPU without metrics, and
// the default scaling behavior wherever a behavior block is given.

import { canonicalizeQuantity } from './quantities.js';
import { child, isObj, list, type Obj, registerDefaulter, setDefault } from './registry.js';

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: fill only what the user left out. */
function scalingRules(rules: unknown, defaults: Obj): Obj {
  const r: Obj = isObj(rules) ? rules : {};
  if (r.stabilizationWindowSeconds == null) r.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
  if (!r.selectPolicy) r.selectPolicy = 'Max';
  if (!Array.isArray(r.policies)) r.policies = defaults.policies;
  return r;
}

registerDefaulter('autoscaling', 'HorizontalPodAutoscaler', (hpa) => {
  const spec = child(hpa, 'spec');
  setDefault(spec, 'minReplicas', 1);
  // Without metrics an HPA scales on 80% average CPU utilization.
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  for (const m of list(spec.metrics))
    for (const src of ['object', 'pods', 'resource', 'containerResource', 'external'])
      if (isObj(m[src]) && isObj(m[src].target)) {
        canonicalizeQuantity(m[src].target, 'value');
        canonicalizeQuantity(m[src].target, 'averageValue');
      }
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = scalingRules(spec.behavior.scaleUp, {
      stabilizationWindowSeconds: 0,
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    spec.behavior.scaleDown = scalingRules(spec.behavior.scaleDown, {
      stabilizationWindowSeconds: 300,
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
  }
});
