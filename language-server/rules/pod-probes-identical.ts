// pod-probes-identical: a container whose liveness probe is the same as its readiness probe.
import { isRecord } from '../parsedDocument';
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

/** JSON with the keys of every map sorted, so key order in the YAML does not matter. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

export const podProbesIdentical: LintRule = {
  id: 'pod-probes-identical',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container whose liveness probe is identical to its readiness probe.',
  description:
    'The two answer different questions: readiness says "send me no traffic for now", liveness "restart me". Identical, a container that is only overloaded or waiting on a dependency fails both, and is restarted instead of being given time, which makes an overload worse (every replica restarts at once). Give the liveness probe a cheaper check or a higher `failureThreshold`. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    const findings: Finding[] = [];
    for (const { path, container, label } of containersOf(pod, true)) {
      const { livenessProbe, readinessProbe } = container;
      if (!isRecord(livenessProbe) || !isRecord(readinessProbe) || canonical(livenessProbe) !== canonical(readinessProbe)) continue;
      findings.push({ path: [...path, 'livenessProbe'], onKey: true, message: `${label} has the same liveness and readiness probe: an overloaded container gets restarted` });
    }
    return findings;
  },
};
