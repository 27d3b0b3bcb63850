// What a simulated container does: serve until stopped, complete, crash, exceed its memory, or fail
// its probes. Chosen from the image and command (an `sh -c "exit 1"` exits 1, `sleep 30` exits 0
// after 30 s, nginx serves) and overridden by the pod annotation `kubeside.dev/behavior`, or
// `kubeside.dev/behavior.<container>` for one container. See this directory's README.
import type { Container } from 'kubernetes-types/core/v1';
import { Quantity } from '../api/quantity';
import { CorefileError, tryParseCorefile } from '../network/corefile';
import { runsAsIs } from './execCommand';

export const behaviorAnnotation = 'kubeside.dev/behavior';

/** CoreDNS's images (`registry.k8s.io/coredns/coredns:v1.12.1` and the like). */
export const coreDNSImage = /(^|\/)coredns(:|@|$)/;

export interface ContainerBehavior {
  /** The code the process exits with by itself, after `runForMs`; undefined: it runs until stopped. */
  exitCode?: number;
  /** How long the process runs before exiting with `exitCode`. */
  runForMs: number;
  /** How long the application takes to come up: probes fail (connection refused) until then. */
  startDelayMs: number;
  /** The readiness probe never succeeds. */
  failReadiness: boolean;
  /** The liveness probe fails from this long after start (undefined: it never does). */
  failLivenessAfterMs?: number;
  /** Memory the process uses once up, in bytes: over the container's limit it is OOMKilled. */
  memoryBytes?: number;
  /** Steady CPU the process uses on top of its idle baseline, in millicores (see usage.ts). */
  cpuMillicores?: number;
  /** CPU time each HTTP request it serves costs, in millicore-seconds (see usage.ts). */
  cpuPerRequestMillicoreSeconds?: number;
  /** PID 1 does not handle SIGTERM (a shell's `sleep`): it runs until SIGKILL at the grace period's end. */
  ignoreSigterm: boolean;
  /** The image cannot be pulled (ErrImagePull, then ImagePullBackOff). */
  pullError: boolean;
  /** Answers requests: probes and traffic leave access-log lines. */
  serves: boolean;
  /** As an admission webhook, refuses every AdmissionReview it is sent (it allows them otherwise). */
  denyAdmission?: boolean;
  /**
   * A serving process logs as a web server does: a line once it listens (`start worker processes;
   * listening on …`) and an access-log line per request, probes included. Kubernetes' components
   * and CoreDNS do not: their logs are what the cluster writes for them.
   */
  webServerLog: boolean;
  /** A database: on each start it counts its starts on its persistent volumes and logs the count. */
  keepsData: boolean;
  /** Lines the process prints when it starts (an `echo`). */
  output: string[];
  /**
   * The command, when it is made only of the simulated shell and programs: the runtime runs it as
   * it is (see execCommand.ts), its output, files and exit code standing for `output`, `files` and
   * `exitCode`. Absent when a behaviour annotation decides instead.
   */
  run?: string[];
  /** Files the script creates and removes, by time since start: what `exec` probes such as `cat` see. */
  files: FileEvent[];
  /**
   * PID 1 is a shell reading the container's stdin (`stdin: true`, as `kubectl run -i` and `kubectl
   * debug -i` make): it waits for an attached client's lines and runs them, until `exit`, or with
   * `stdinOnce` until the first client's input ends.
   */
  interactive: boolean;
}

export interface FileEvent {
  /** Milliseconds after the container started. */
  atMs: number;
  path: string;
  exists: boolean;
}

/**
 * Why a process exits as it starts, refusing the configuration it reads; undefined when it starts.
 * CoreDNS reads the Corefile `-conf` names (kubeadm's addon mounts the coredns ConfigMap at
 * /etc/coredns): one it cannot parse ends it with the parser's error, so its pod crash-loops as a
 * real one does, while CoreDNS pods already running keep the configuration they loaded.
 */
export function startupError(image: string, argv: readonly string[], readFile: (path: string) => string | undefined): string | undefined {
  if (!coreDNSImage.test(image)) return undefined;
  const flag = argv.indexOf('-conf');
  // Without -conf, CoreDNS looks for ./Corefile and otherwise serves its built-in default.
  if (flag < 0 || argv[flag + 1] === undefined) return undefined;
  const path = argv[flag + 1]!;
  const text = readFile(path);
  if (text === undefined) return `open ${path}: no such file or directory`;
  const corefile = tryParseCorefile(text, path);
  return corefile instanceof CorefileError ? corefile.message : undefined;
}

/** Whether `path` exists `elapsedMs` after the container started, by its script's file events. */
export function fileExists(b: ContainerBehavior, path: string, elapsedMs: number): boolean {
  let exists = false;
  for (const e of b.files) if (e.path === path && e.atMs <= elapsedMs) exists = e.exists;
  return exists;
}

const shellImages = /(^|\/)(busybox|alpine|ubuntu|debian|bash|centos|fedora|rockylinux|almalinux|amazonlinux|curlimages\/curl|perl|python|ruby|node|golang)(:|@|$)/;
const databaseImages = /(^|\/)(postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|valkey|cassandra|etcd|elasticsearch|zookeeper|rabbitmq|kafka|minio)(:|@|$)/;
/** Kubernetes' components and CoreDNS, whose containers show the process's own log lines. */
const componentImages = /(^|\/)(kube-apiserver|kube-controller-manager|kube-scheduler|kube-proxy|coredns)(:|@|$)/;
const shells = new Set(['sh', '/bin/sh', 'bash', '/bin/bash', 'ash', '/bin/ash']);

/** Go's time.ParseDuration for the units that make sense here: `500ms`, `30s`, `5m`, `1h30m`. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    matched = re.lastIndex;
  }
  if (!text || matched !== text.length) throw new Error(`time: invalid duration ${JSON.stringify(text)}`);
  return total;
}

/** The behaviour of one container of a pod, from its image, command and the pod's annotations. */
export function behaviorOf(container: Container, annotations: Record<string, string> = {}, restartPolicy = 'Always'): ContainerBehavior {
  const b: ContainerBehavior = { runForMs: 0, startDelayMs: 0, failReadiness: false, ignoreSigterm: false, pullError: false, serves: true, webServerLog: true, keepsData: false, output: [], files: [], interactive: false };
  const image = container.image ?? '';
  if (componentImages.test(image)) b.webServerLog = false;
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (databaseImages.test(image)) b.keepsData = true;
  if (argv.length > 0) {
    // A program this cannot read, in a pod that is not restarted when it ends (a Job's), is taken
    // for a batch task: it works a little while and completes (`perl -Mbignum=bpi -wle 'print bpi(2000)'`).
    if (!fromCommand(b, argv) && restartPolicy !== 'Always') {
      b.exitCode = 0;
      b.runForMs = batchTaskMs;
      b.serves = false;
    }
  } else if (shellImages.test(image)) {
    // Such an image's default command is a shell or interpreter with no terminal: it ends at once.
    b.exitCode = 0;
    b.serves = false;
  }
  // A bare shell with its stdin open waits for input instead of ending.
  const bareShell = argv.length === 0 ? shellImages.test(image) : argv.length === 1 && shells.has(argv[0]!);
  if (container.stdin === true && bareShell) Object.assign(b, { interactive: true, exitCode: undefined, runForMs: 0, serves: false, ignoreSigterm: true });
  let directed = false;
  for (const key of [behaviorAnnotation, `${behaviorAnnotation}.${container.name}`]) {
    const directives = annotations[key];
    if (directives) applyDirectives(b, directives);
    directed ||= !!directives;
  }
  if (argv.length && !directed && !b.interactive && runsAsIs(argv, image)) Object.assign(b, { run: argv, serves: false });
  return b;
}

/** How long a batch task whose command cannot be read runs before it completes. */
export const batchTaskMs = 5_000;

/**
 * Reads the few command shapes whose outcome is plain: `sh -c "…; exit 1"`, `sleep 30`, `true`,
 * `echo hi`. False when the command runs a program this cannot read.
 */
function fromCommand(b: ContainerBehavior, argv: string[]): boolean {
  const [cmd, ...rest] = argv;
  if (cmd && shells.has(cmd) && rest[0] === '-c' && rest[1] !== undefined) return fromScript(b, rest[1]);
  return fromScript(b, argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' '), true);
}

/** Applies what a script does to `b`; false when a step runs a program this cannot read. */
function fromScript(b: ContainerBehavior, script: string, single = false): boolean {
  const steps = script.split(/\s*(?:;|&&|\n)\s*/).filter(Boolean);
  let runFor = 0;
  let exitCode = 0;
  let forever = false;
  let readable = true;
  for (const step of steps) {
    const [word, ...args] = step.trim().split(/\s+/);
    if (/^(while|until)$/.test(word ?? '') || /^(sleep\s+(infinity|inf)|tail\s+-f)/.test(step)) {
      forever = true;
      break;
    }
    if (word === 'exit') {
      exitCode = args[0] === undefined ? exitCode : Number(args[0]) & 255;
      break;
    }
    const redirect = /^(.*?)\s*>>?\s*(\S+)$/.exec(step);
    if (word === 'sleep' && args[0] !== undefined) {
      runFor += /^\d+(\.\d+)?$/.test(args[0]) ? Number(args[0]) * 1000 : (safeDuration(args[0]) ?? 0);
      exitCode = 0;
    } else if (word === 'echo' && redirect) {
      b.files.push({ atMs: runFor, path: redirect[2]!, exists: true });
      exitCode = 0;
    } else if (word === 'echo') {
      b.output.push(args.join(' ').replace(/^(["'])(.*)\1$/, '$2'));
      exitCode = 0;
    } else if (word === 'touch' || word === 'mkdir') {
      for (const path of args.filter((a) => !a.startsWith('-'))) b.files.push({ atMs: runFor, path, exists: true });
      exitCode = 0;
    } else if (word === 'rm' || word === 'rmdir') {
      for (const path of args.filter((a) => !a.startsWith('-'))) b.files.push({ atMs: runFor, path, exists: false });
      exitCode = 0;
    } else if (word === 'true' || word === 'false') {
      exitCode = word === 'true' ? 0 : 1;
    } else {
      readable = false;
      break;
    }
  }
  if (!readable) {
    // A program this cannot read: alone, the image decides (`nginx -g "daemon off;"`); started by a
    // shell, it is taken for a long-running server that handles SIGTERM itself (`sh -c "python app.py"`).
    if (!single) {
      b.serves = true;
      b.exitCode = undefined;
    }
    return false;
  }
  // A shell or `sleep` as PID 1 has no SIGTERM handler, and PID 1 ignores unhandled signals.
  b.ignoreSigterm = true;
  b.serves = false;
  if (forever) {
    b.exitCode = undefined;
    return true;
  }
  b.exitCode = exitCode;
  b.runForMs = runFor;
  return true;
}

/** How long a command runs, as far as it can be read (`sleep 5`, `sh -c "sleep 5; echo bye"`): for lifecycle hooks. */
export function commandDurationMs(argv: readonly string[]): number {
  const b = behaviorOf({ name: 'hook', image: '', command: [...argv] });
  return b.exitCode === undefined ? 0 : b.runForMs;
}

function safeDuration(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

/** `crash-after=30s, fail-readiness` and the like; unknown directives are ignored, as a typo should not break a pod. */
export function applyDirectives(b: ContainerBehavior, text: string): void {
  for (const directive of text.split(/[\s,;]+/).filter(Boolean)) {
    const eq = directive.indexOf('=');
    const key = eq < 0 ? directive : directive.slice(0, eq);
    const value = eq < 0 ? '' : directive.slice(eq + 1);
    switch (key) {
      case 'serve':
        b.serves = true;
        b.exitCode = undefined;
        break;
      case 'exit':
        b.exitCode = Number(value || 0) & 255;
        break;
      case 'run-for':
        b.runForMs = safeDuration(value) ?? b.runForMs;
        break;
      case 'crash-after':
        b.exitCode = b.exitCode || 1;
        b.runForMs = safeDuration(value) ?? 0;
        break;
      case 'start-delay':
        b.startDelayMs = safeDuration(value) ?? 0;
        break;
      case 'fail-readiness':
        b.failReadiness = true;
        break;
      case 'fail-liveness':
        b.failLivenessAfterMs = value ? (safeDuration(value) ?? 0) : 0;
        break;
      case 'memory': {
        const q = Quantity.tryParse(value);
        if (q) b.memoryBytes = Number(q.value());
        break;
      }
      case 'cpu': {
        const q = Quantity.tryParse(value);
        if (q) b.cpuMillicores = q.milliValue();
        break;
      }
      case 'cpu-per-request': {
        const q = Quantity.tryParse(value);
        if (q) b.cpuPerRequestMillicoreSeconds = q.milliValue();
        break;
      }
      case 'ignore-sigterm':
        b.ignoreSigterm = true;
        break;
      case 'pull-error':
        b.pullError = true;
        break;
      case 'keep-data':
        b.keepsData = true;
        break;
      case 'deny-admission':
        b.denyAdmission = true;
        break;
    }
  }
}
