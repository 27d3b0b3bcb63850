// unsafe-sysctls: a pod that sets a sysctl outside the kubelet's safe set.
import { podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

/** The kubelet's safe sysctls (pkg/kubelet/sysctl/safe_sysctls.go), the ones every node allows. */
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

export const unsafeSysctls: LintRule = {
  id: 'unsafe-sysctls',
  severity: 'warning',
  enabledByDefault: true,
  summary: "A pod whose `securityContext.sysctls` sets a sysctl outside the kubelet's safe set.",
  description:
    "Unsafe sysctls are not isolated between pods, or can take down the node. The kubelet refuses to start such a pod (`SysctlForbidden`) unless the node's `--allowed-unsafe-sysctls` allows it, and where it does, the setting affects more than this pod. Keep to the safe sysctls, or run the workload on nodes set aside and configured for it. No quick fix.",
  docs: 'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/#safe-and-unsafe-sysctls',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    const sysctls = pod?.spec.securityContext?.sysctls;
    if (!pod || !Array.isArray(sysctls)) return [];
    const findings: Finding[] = [];
    sysctls.forEach((sysctl, i) => {
      const name = sysctl?.name;
      // Sysctl names may separate with slashes (`net/ipv4/tcp_syncookies`), as the kubelet accepts.
      if (typeof name === 'string' && !safeSysctls.has(name.replace(/\//g, '.'))) {
        findings.push({ path: [...pod.path, 'securityContext', 'sysctls', i, 'name'], message: `the sysctl ${name} is unsafe: the kubelet will not start the pod unless the node allows it` });
      }
    });
    return findings;
  },
};
