// A container's stdout/stderr as the runtime keeps it (CRI log files): timestamped lines, bounded so
// a chatty container cannot grow without limit, read back as `kubectl logs` asks (tail, since).
import { rfc3339Nano } from '../util/clock';

export interface LogOptions {
  /** The last terminated instance of the container instead of the current one. */
  previous?: boolean;
  /** Only the last N lines. */
  tailLines?: number;
  /** Only lines from the last N seconds. */
  sinceSeconds?: number;
  /** Prefix each line with its RFC 3339 timestamp (nanosecond precision, as the kubelet prints). */
  timestamps?: boolean;
}

interface LogLine {
  at: number;
  text: string;
}

export class ContainerLog {
  private readonly lines: LogLine[] = [];
  private head = 0;
  /** Made by the first `follow`: most containers are never followed. */
  private followers: Set<(line: LogLine) => void> | undefined;

  constructor(private readonly capacity = 1000) {}

  get length(): number {
    return this.lines.length - this.head;
  }

  append(at: number, text: string): void {
    for (const line of text.includes('\n') ? text.split('\n') : [text]) {
      const entry = { at, text: line };
      this.lines.push(entry);
      if (this.followers) for (const f of this.followers) f(entry);
    }
    // Drop the oldest lines in chunks, so appending stays O(1) amortised.
    if (this.length > this.capacity) {
      this.head = this.lines.length - this.capacity;
      if (this.head > this.capacity) {
        this.lines.splice(0, this.head);
        this.head = 0;
      }
    }
  }

  /** The log as `kubectl logs` prints it: one line each, newline-terminated. */
  read(now: number, options: LogOptions = {}): string {
    let selected = this.lines.slice(this.head);
    if (options.sinceSeconds !== undefined) {
      const since = now - options.sinceSeconds * 1000;
      selected = selected.filter((l) => l.at >= since);
    }
    if (options.tailLines !== undefined) selected = options.tailLines <= 0 ? [] : selected.slice(-options.tailLines);
    return selected.map((l) => format(l, options)).join('');
  }

  /** `kubectl logs -f`: what `read` gives now, then each new line as it is written, until disposed. */
  follow(now: number, options: LogOptions, onData: (text: string) => void): { dispose(): void } {
    const initial = this.read(now, options);
    if (initial) onData(initial);
    const follower = (line: LogLine) => onData(format(line, options));
    const followers = (this.followers ??= new Set());
    followers.add(follower);
    return { dispose: () => followers.delete(follower) };
  }
}

function format(l: LogLine, options: LogOptions): string {
  return `${options.timestamps ? `${rfc3339Nano(l.at)} ` : ''}${l.text}\n`;
}
