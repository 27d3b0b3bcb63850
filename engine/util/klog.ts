// What Kubernetes' components print, in klog's text format: a header with the severity, the date
// and time to the microsecond, the thread id and the source position, then the message, as in
//   I1205 15:24:49.123456       1 leaderelection.go:257] attempting to acquire leader lease kube-system/kube-scheduler...
// Structured calls (klog.InfoS, klog.ErrorS) quote the message and follow it with key="value" pairs.
// See https://kubernetes.io/docs/concepts/cluster-administration/system-logs/

export type Severity = 'I' | 'W' | 'E';

/** Where a component's log lines go (the log of the container it runs in). */
export interface ComponentLog {
  /** One line; `source` is the Go file and line klog names, e.g. `leaderelection.go:257`. */
  write(severity: Severity, source: string, message: string): void;
}

/** A log nobody reads: components built without one write here. */
export const discardLog: ComponentLog = { write() {} };

/** The header's date and time for the last instant asked for: lines come in bursts of one instant. */
let stamped = { at: Number.NaN, text: '' };

/** One line as klog's text header formats it (`%c%02d%02d %02d:%02d:%02d.%06d %7d %s] `), in UTC. */
export function klogLine(severity: Severity, at: number, source: string, message: string): string {
  if (stamped.at !== at) {
    const d = new Date(at);
    const two = (n: number) => String(n).padStart(2, '0');
    const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
    stamped = { at, text: `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros}       1 ` };
  }
  return `${severity}${stamped.text}${source}] ${message}`;
}

/** A structured message (klog.InfoS): the text quoted, then each key="value", values quoted as Go's %q. */
export function structured(message: string, pairs: Record<string, string> = {}): string {
  return [JSON.stringify(message), ...Object.entries(pairs).map(([k, v]) => `${k}=${JSON.stringify(v)}`)].join(' ');
}
