// drop-net-raw-capability: a container that keeps the NET_RAW capability.
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

export const dropNetRawCapability: LintRule = {
  id: 'drop-net-raw-capability',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container that does not drop the `NET_RAW` capability (`securityContext.capabilities.drop` has neither `NET_RAW` nor `ALL`), or adds it.',
  description:
    'Container runtimes grant `NET_RAW` by default: a compromised process can craft raw packets, spoof addresses and (with ARP or DNS spoofing) intercept other pods\' traffic on the node. Few applications need it (`ping` does not, given `net.ipv4.ping_group_range`). Drop `ALL` capabilities and add back only what the process needs. No quick fix: a list is appended to, not set.',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    const findings: Finding[] = [];
    const named = (list: unknown, ...names: string[]) => Array.isArray(list) && list.some((c) => typeof c === 'string' && names.includes(c.toUpperCase().replace(/^CAP_/, '')));
    for (const { path, container, label } of containersOf(pod)) {
      const capabilities = container.securityContext?.capabilities;
      if (named(capabilities?.add, 'NET_RAW', 'ALL')) {
        findings.push({ path: [...path, 'securityContext', 'capabilities', 'add'], message: `${label} adds the NET_RAW capability` });
      } else if (!named(capabilities?.drop, 'NET_RAW', 'ALL')) {
        findings.push({ path: [...path, 'securityContext', 'capabilities', 'drop'], onKey: true, message: `${label} keeps the NET_RAW capability: drop it (or ALL)` });
      }
    }
    return findings;
  },
};
