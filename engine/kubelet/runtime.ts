// The container runtime behind the kubelet, shaped after the CRI: pull an image, run a container in
// a pod sandbox, stop it with a grace period, report its state, probe it, read its log. The kubelet
// only talks to this interface; `SimulatedRuntime` implements it with timers on the cluster's Clock,
// each container doing what its `ContainerBehavior` says.
import { createHash } from 'node:crypto';
import type { Container, Probe } from 'kubernetes-types/core/v1';
import type { ContainerProcess, ContainerStreams, PodConnection } from '../apiserver/apiserver';
import type { Clock, Timer } from '../util/clock';
import type { Random } from '../util/random';
import { type ContainerBehavior, fileExists } from './behavior';
import { ContainerLog, type LogOptions } from './containerLog';
import { type DnsAnswer, type ExecContext, type ExecIO, ExecutableNotFound, runCommand, type SendRequest, toolsOf } from './execCommand';
import { genericResponder, HttpConnection, type HttpResponder, nginxResponder } from './httpServer';
import { cookedLines, onlcr } from './terminal';
import { ContainerUsage, type UsageSample } from './usage';
import type { Disk } from './volumeDisks';

export type RuntimeContainerState = 'running' | 'exited';

/** What the runtime knows of one container instance (CRI ContainerStatus). */
export interface RuntimeContainerStatus {
  /** `containerd://<64 hex digits>`. */
  readonly id: string;
  readonly name: string;
  readonly podUid: string;
  readonly state: RuntimeContainerState;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly exitCode?: number;
  /** `Completed`, `Error` or `OOMKilled`, as containerd reports them. */
  readonly reason?: string;
  /** The image's full reference, e.g. `docker.io/library/nginx:1.27`. */
  readonly image: string;
  /** The image's digest reference, e.g. `docker.io/library/nginx@sha256:…`. */
  readonly imageRef: string;
}

export interface ContainerConfig {
  readonly podUid: string;
  readonly namespace: string;
  readonly podName: string;
  readonly podIP: string;
  readonly container: Container;
  readonly behavior: ContainerBehavior;
  readonly env: Readonly<Record<string, string>>;
  /** The container's memory limit in bytes, if it has one. */
  readonly memoryLimitBytes?: number;
  /** Persistent volumes mounted into it, by volume name. */
  readonly persistentVolumes: ReadonlyMap<string, Disk>;
  /** What its process sees of the pod (for a command run as it is: ContainerBehavior.run), asked for as it starts. */
  readonly view?: () => ContainerView;
}

export interface ProbeResult {
  readonly success: boolean;
  /** Why it failed, as the kubelet words it in the `Unhealthy` event. */
  readonly output?: string;
}

export type ProbeType = 'liveness' | 'readiness' | 'startup';

export interface ContainerRuntime {
  /** `containerd://2.1.1`: what Node status.nodeInfo.containerRuntimeVersion shows. */
  readonly version: string;
  hasImage(image: string): boolean;
  /** Pulls an image; resolves with its digest reference, rejects with the pull error's message. */
  pullImage(image: string, behavior: ContainerBehavior): Promise<string>;
  /** Creates and starts a container; returns its id. */
  startContainer(config: ContainerConfig): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once it has exited. */
  stopContainer(id: string, gracePeriodMs: number): Promise<void>;
  /** Stops a container at once (SIGKILL), as when its node loses power. */
  killContainer(id: string): void;
  removeContainer(id: string): void;
  containerStatus(id: string): RuntimeContainerStatus | undefined;
  probe(id: string, type: ProbeType, probe: Probe): ProbeResult;
  readLog(id: string, options?: LogOptions): string;
  /** Streams a container's log from `options` on; `onEnd` is called once the container has exited. */
  followLog(id: string, options: LogOptions, onData: (text: string) => void, onEnd: () => void): { dispose(): void };
  /** Called whenever a container exits, by itself or stopped. */
  onContainerExit(listener: (status: RuntimeContainerStatus) => void): void;
  /** Writes to a running container's log what its process printed at `at` (a component's own lines); false when it does not run. */
  appendLog(id: string, at: number, text: string): boolean;
  /**
   * CRI Exec: runs `command` in a running container, which also sees `mounted` (its volumes and the
   * kubelet's /etc files). A failure to start is the exit code promise's rejection, worded as the runtime words it.
   */
  exec(id: string, command: string[], mounted: ContainerView, streams: ContainerStreams): ContainerProcess;
  /**
   * CRI Attach: the running container's output from now on; the exit code is the container's. An
   * interactive container (see ContainerBehavior.interactive) also reads the client's stdin, in a
   * context of `mounted` as exec's.
   */
  attach(id: string, streams: ContainerStreams, mounted?: ContainerView): ContainerProcess;
  /** CRI PortForward: a connection to `port` inside the pod's network namespace; throws when nothing listens there. */
  portForward(podUid: string, port: number, onData: (data: Buffer) => void, onEnd: () => void): PodConnection;
  /** What a running container used over the last metrics window (the summary API's stats); undefined before a whole window or once exited. */
  containerUsage(id: string): UsageSample | undefined;
}

/** `nginx:1.27` → `docker.io/library/nginx:1.27`, as containerd normalises references. */
export function normalizeImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf('/');
  const domain = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  if (firstSlash < 0) ref = `docker.io/library/${ref}`;
  else if (!domain.includes('.') && !domain.includes(':') && domain !== 'localhost') ref = `docker.io/${ref}`;
  const lastSlash = ref.lastIndexOf('/');
  if (!ref.slice(lastSlash).includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

/** The repository part of a normalised reference: `docker.io/library/nginx:1.27` → `docker.io/library/nginx`. */
function repository(ref: string): string {
  const at = ref.indexOf('@');
  if (at >= 0) return ref.slice(0, at);
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
}

/** What a process started in a container sees of its pod beyond the image: the kubelet's files, the mounted volumes, the pod's network. */
export interface ContainerView {
  /** The files the kubelet writes: its ConfigMap, Secret, downward API and projected volumes, and /etc/hostname, hosts and resolv.conf. */
  readonly files: ReadonlyMap<string, string>;
  readonly volumes: readonly MountedVolume[];
  /** Sends an HTTP request from the pod into the cluster network; absent where nothing routes one. */
  readonly request?: SendRequest;
  /** A DNS query from the pod; absent where nothing answers one. */
  readonly lookup?: (name: string) => DnsAnswer;
}

/** A volume at its mount point. */
export interface MountedVolume {
  /** The mount point: absolute, without a trailing slash. */
  readonly path: string;
  /**
   * The disk it is on (an emptyDir, a claim's volume), from `subPath` down when the mount names one.
   * Absent for the volumes the kubelet writes, which a container never can.
   */
  readonly disk?: Disk;
  readonly subPath?: string;
  readonly readOnly: boolean;
}

const nothingMounted: ContainerView = { files: new Map(), volumes: [] };

interface SimContainer {
  id: string;
  config: ContainerConfig;
  image: string;
  imageRef: string;
  state: RuntimeContainerState;
  startedAt: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  log: ContainerLog;
  /** Its timers not yet fired (see `after`); made with the first. */
  timers?: Timer[];
  stopping?: { resolve: () => void };
  /** `kubectl logs -f` streams and attached clients, to end when the container exits; made with the first. */
  followers?: Set<() => void>;
  /** Clients attached to a container with a TTY: they get its terminal's output as it is written. */
  terminalClients?: Set<(text: string) => void>;
  /** Its CPU and memory, for the metrics the kubelet reports. */
  usage: ContainerUsage;
  /**
   * Files its processes wrote or removed outside its volumes (null: removed, a whiteout over the
   * image and its script's files): its writable layer, gone with this instance; made with the first.
   */
  layer?: Map<string, string | null>;
}

export interface SimulatedRuntimeOptions {
  clock: Clock;
  random: Random;
  /** How long a first pull of an image takes on this node. */
  imagePullMs?: number;
  /** Log lines kept per container. */
  logLines?: number;
}

export class SimulatedRuntime implements ContainerRuntime {
  readonly version = 'containerd://2.1.1';
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly images = new Map<string, string>();
  private readonly containers = new Map<string, SimContainer>();
  private readonly exitListeners: ((status: RuntimeContainerStatus) => void)[] = [];
  private readonly imagePullMs: number;
  private readonly logLines: number;

  constructor(options: SimulatedRuntimeOptions) {
    this.clock = options.clock;
    this.random = options.random;
    this.imagePullMs = options.imagePullMs ?? 1000;
    this.logLines = options.logLines ?? 1000;
  }

  /** Images present on this node, as Node status.images lists them. */
  listImages(): { names: string[] }[] {
    return [...this.images].map(([ref, digest]) => ({ names: [digest, ref] }));
  }

  hasImage(image: string): boolean {
    return this.images.has(normalizeImage(image));
  }

  pullImage(image: string, behavior: ContainerBehavior): Promise<string> {
    const ref = normalizeImage(image);
    return new Promise((resolve, reject) => {
      this.clock.setTimeout(() => {
        if (behavior.pullError) {
          reject(new Error(`failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`));
          return;
        }
        // A digest derived from the name: the same image has the same digest on every node.
        const digest = `${repository(ref)}@sha256:${createHash('sha256').update(ref).digest('hex')}`;
        this.images.set(ref, digest);
        resolve(digest);
      }, this.imagePullMs);
    });
  }

  startContainer(config: ContainerConfig): string {
    const id = `containerd://${this.hex(64)}`;
    const image = normalizeImage(config.container.image ?? '');
    const now = this.clock.now();
    const c: SimContainer = { id, config, image, imageRef: this.images.get(image) ?? image, state: 'running', startedAt: now, log: new ContainerLog(this.logLines), timers: undefined, followers: undefined, usage: new ContainerUsage(now, config.behavior, config.container) };
    this.containers.set(id, c);
    const b = config.behavior;
    if (b.run && config.view) {
      // A command made only of the simulated programs runs as it is: its output is the log, its status the exit code.
      const view = config.view;
      this.after(c, 0, () => void this.runMain(c, b.run!, view()));
      return id;
    }
    for (const line of b.output) c.log.append(now, line);
    if (b.keepsData) this.recordStart(c);
    if (b.serves && b.webServerLog) this.after(c, b.startDelayMs, () => c.log.append(this.clock.now(), `start worker processes; listening on ${config.podIP}`));
    // Over its memory limit, the kernel's OOM killer ends it once it has grown (while it comes up).
    if (b.memoryBytes !== undefined && config.memoryLimitBytes !== undefined && b.memoryBytes > config.memoryLimitBytes) {
      this.after(c, Math.max(b.startDelayMs, 1000), () => this.exit(c, 137, 'OOMKilled'));
    } else if (b.exitCode !== undefined) {
      this.after(c, b.runForMs, () => this.exit(c, b.exitCode!, b.exitCode === 0 ? 'Completed' : 'Error'));
    }
    return id;
  }

  /** Runs a container's command to its end, its output going to the log line by line, then exits with its status. */
  private async runMain(c: SimContainer, argv: readonly string[], view: ContainerView): Promise<void> {
    let pending = '';
    const print = (data: string | Buffer) => {
      pending += data.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        c.log.append(this.clock.now(), pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    };
    let code: number;
    try {
      code = await runCommand([...argv], this.execContext(c, view), { stdout: print, stderr: print });
    } catch (err) {
      // Not found after all: runc fails the start as it fails an exec.
      print(`exec ${err instanceof ExecutableNotFound ? `${JSON.stringify(err.executable)}: executable file not found in $PATH` : String(err)}\n`);
      code = 127;
    }
    if (pending) c.log.append(this.clock.now(), pending);
    if (c.state === 'running') this.exit(c, code, code === 0 ? 'Completed' : 'Error');
  }

  stopContainer(id: string, gracePeriodMs: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.state === 'exited') return Promise.resolve();
    if (c.stopping) return new Promise((resolve) => { const prior = c.stopping!.resolve; c.stopping!.resolve = () => { prior(); resolve(); }; });
    return new Promise((resolve) => {
      c.stopping = { resolve };
      if (c.config.behavior.ignoreSigterm) {
        // Nothing handles SIGTERM: the runtime sends SIGKILL when the grace period ends.
        this.after(c, gracePeriodMs, () => this.exit(c, 137, 'Error'));
      } else {
        if (c.config.behavior.serves) c.log.append(this.clock.now(), 'signal 15 (SIGTERM) received, exiting');
        this.exit(c, 0, 'Completed');
      }
    });
  }

  killContainer(id: string): void {
    const c = this.containers.get(id);
    if (c && c.state === 'running') this.exit(c, 137, 'Error');
  }

  removeContainer(id: string): void {
    const c = this.containers.get(id);
    if (!c) return;
    if (c.timers) for (const t of c.timers) t.cancel();
    this.containers.delete(id);
  }

  containerStatus(id: string): RuntimeContainerStatus | undefined {
    const c = this.containers.get(id);
    if (!c) return undefined;
    return {
      id: c.id,
      name: c.config.container.name,
      podUid: c.config.podUid,
      state: c.state,
      startedAt: c.startedAt,
      ...(c.finishedAt !== undefined ? { finishedAt: c.finishedAt } : {}),
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      image: c.image,
      imageRef: c.imageRef,
    };
  }

  probe(id: string, type: ProbeType, probe: Probe): ProbeResult {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return { success: false, output: 'container is not running' };
    const b = c.config.behavior;
    const now = this.clock.now();
    const up = now - c.startedAt >= b.startDelayMs;
    const ip = c.config.podIP;
    const failing = (type === 'readiness' && b.failReadiness) || (type === 'liveness' && b.failLivenessAfterMs !== undefined && now - c.startedAt >= b.failLivenessAfterMs);
    if (probe.httpGet) {
      const port = this.port(c.config.container, probe.httpGet.port);
      const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
      const path = probe.httpGet.path ?? '/';
      if (!up || !b.serves) return { success: false, output: `Get "${scheme}://${ip}:${port}${path}": dial tcp ${ip}:${port}: connect: connection refused` };
      const code = failing ? (type === 'readiness' ? 503 : 500) : 200;
      if (b.webServerLog) c.log.append(now, `${gatewayOf(ip)} - - [${accessLogTime(now)}] "GET ${path} HTTP/1.1" ${code} ${code === 200 ? 615 : 0} "-" "kube-probe/1.36"`);
      return failing ? { success: false, output: `HTTP probe failed with statuscode: ${code}` } : { success: true };
    }
    if (probe.tcpSocket) {
      const port = this.port(c.config.container, probe.tcpSocket.port);
      if (!up || failing) return { success: false, output: `dial tcp ${ip}:${port}: connect: connection refused` };
      return { success: true };
    }
    if (probe.exec) {
      const command = probe.exec.command ?? [];
      // A probe that checks for a file the container's script creates and removes sees it as the script left it.
      const argv = command[0] && ['sh', '/bin/sh', 'bash', '/bin/bash'].includes(command[0]) && command[1] === '-c' ? (command[2] ?? '').trim().split(/\s+/) : command;
      const file = /^(cat|ls|stat|test|\[)$/.test(argv[0] ?? '') ? argv.filter((a, i) => i > 0 && !a.startsWith('-') && a !== ']').pop() : undefined;
      // What a process wrote or removed there (kubectl exec … rm /tmp/healthy) decides, then the script.
      const missing = () => ({ success: false, output: argv[0] === 'cat' ? `cat: can't open '${file}': No such file or directory` : `command ${JSON.stringify(command.join(' '))} exited with 1` });
      const written = file === undefined ? undefined : c.layer?.get(file);
      if (written !== undefined) return written !== null ? { success: true } : missing();
      if (file !== undefined && b.files.some((e) => e.path === file)) return fileExists(b, file, now - c.startedAt) ? { success: true } : missing();
      if (!up || failing) return { success: false, output: `command ${JSON.stringify(command.join(' '))} exited with 1` };
      return { success: true };
    }
    if (probe.grpc) {
      if (!up || failing) return { success: false, output: `timeout: failed to connect service ":${probe.grpc.port}" within 1s: context deadline exceeded` };
      return { success: true };
    }
    return { success: true };
  }

  readLog(id: string, options: LogOptions = {}): string {
    return this.containers.get(id)?.log.read(this.clock.now(), options) ?? '';
  }

  followLog(id: string, options: LogOptions, onData: (text: string) => void, onEnd: () => void): { dispose(): void } {
    const c = this.containers.get(id);
    if (!c) {
      onEnd();
      return { dispose() {} };
    }
    const following = c.log.follow(this.clock.now(), options, onData);
    if (c.state === 'exited') {
      following.dispose();
      onEnd();
      return { dispose() {} };
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      following.dispose();
      c.followers?.delete(end);
      onEnd();
    };
    (c.followers ??= new Set()).add(end);
    return { dispose: () => { ended = true; following.dispose(); c.followers?.delete(end); } };
  }

  appendLog(id: string, at: number, text: string): boolean {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return false;
    c.log.append(at, text);
    return true;
  }

  onContainerExit(listener: (status: RuntimeContainerStatus) => void): void {
    this.exitListeners.push(listener);
  }

  /** Appends a line to a running container's log (traffic routed to it, for instance). */
  writeLog(id: string, line: string): void {
    this.containers.get(id)?.log.append(this.clock.now(), line);
  }

  exec(id: string, command: string[], mounted: ContainerView, streams: ContainerStreams): ContainerProcess {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') throw new Error(`container not found (${JSON.stringify(c?.config.container.name ?? id)})`);
    const execId = this.hex(64);
    const ctx = this.execContext(c, mounted);
    // With a TTY, stdout and stderr are one stream written as a terminal writes it, and stdin (with
    // -i) is the terminal's: keystrokes echoed and cooked into lines.
    let io: ExecIO = { stdout: streams.stdout, stderr: streams.stderr, ...(streams.stdin ? { stdin: streams.stdin } : {}) };
    if (streams.tty) {
      const output = (data: string | Buffer) => streams.stdout(onlcr(data.toString()));
      io = { stdout: output, stderr: output, ...(streams.stdin ? { stdin: cookedLines(streams.stdin, streams.stdout), tty: true } : {}) };
    }
    const exitCode = runCommand(command, ctx, io).catch((err: unknown) => {
      if (!(err instanceof ExecutableNotFound)) throw err;
      // runc fails to start the process; containerd and then the kubelet wrap its error.
      throw new Error(`error executing command in container: failed to exec in container: failed to start exec ${JSON.stringify(execId)}: OCI runtime exec failed: exec failed: unable to start container process: ${err.message}: unknown`);
    });
    return { exitCode, close() {} };
  }

  attach(id: string, streams: ContainerStreams, mounted: ContainerView = nothingMounted): ContainerProcess {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') throw new Error(`container not found (${JSON.stringify(c?.config.container.name ?? id)})`);
    if (c.config.behavior.interactive && c.config.container.tty) return this.attachTerminal(c, streams, mounted);
    let following: { dispose(): void } | undefined;
    const exitCode = new Promise<number>((resolve) => {
      following = this.followLog(id, { tailLines: 0 }, (text) => streams.stdout(text), () => resolve(this.containers.get(id)?.exitCode ?? 0));
    });
    if (c.config.behavior.interactive && streams.stdin) this.readStdin(c, streams.stdin, mounted);
    return { exitCode, close: () => following?.dispose() };
  }

  /**
   * Attaching to an interactive container with a TTY (`kubectl run -it`, `kubectl attach -it`): the
   * client sees the terminal's output as it is written (the prompt, the echo of what it types), not
   * the log's whole lines; its keystrokes go through the terminal's line discipline to the shell.
   */
  private attachTerminal(c: SimContainer, streams: ContainerStreams, mounted: ContainerView): ContainerProcess {
    const clients = (c.terminalClients ??= new Set());
    const client = streams.stdout;
    clients.add(client);
    let ended!: () => void;
    const exitCode = new Promise<number>((resolve) => {
      ended = () => resolve(this.containers.get(c.id)?.exitCode ?? 0);
    });
    (c.followers ??= new Set()).add(ended);
    if (streams.stdin) this.readStdin(c, streams.stdin, mounted);
    return {
      exitCode,
      close: () => {
        clients.delete(client);
        c.followers?.delete(ended);
      },
    };
  }

  /**
   * An interactive container's shell reads an attached client's input: what it prints goes to the
   * container's log, which every attached client follows. `exit` ends the container; so does the
   * end of the input when the container's stdin is once-only (stdinOnce). With a TTY the input is
   * the terminal's, and what the terminal writes (echo included, \n as \r\n) goes to the attached
   * clients as it comes, and to the log as a container's pty output is logged.
   */
  private readStdin(c: SimContainer, stdin: AsyncIterable<Buffer>, mounted: ContainerView): void {
    let ended = false;
    let pending = '';
    const print = (text: string) => {
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        c.log.append(this.clock.now(), pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    };
    const tty = c.config.container.tty === true;
    const write = (text: string) => {
      for (const client of c.terminalClients ?? []) client(text);
      print(text);
    };
    const output = tty ? (data: string | Buffer) => write(onlcr(data.toString())) : (data: string | Buffer) => print(data.toString());
    const keys = tty ? cookedLines(stdin, write) : stdin;
    const input = (async function* () {
      for await (const chunk of keys) yield chunk;
      ended = true;
    })();
    const shell = [...(c.config.container.command ?? []), ...(c.config.container.args ?? [])][0] ?? 'sh';
    void runCommand([shell], this.execContext(c, mounted), { stdout: output, stderr: output, stdin: input, tty }).then(
      (code) => {
        if (pending) print('\n');
        if (c.state === 'running' && (!ended || c.config.container.stdinOnce)) this.exit(c, code, code === 0 ? 'Completed' : 'Error');
      },
      () => {},
    );
  }

  /**
   * What a process in the container sees: its environment, the kubelet's files, its volumes' disks
   * and its own writable layer, its shell's flavour. What it writes goes to the volume mounted
   * there (refused on a read-only one, and on those the kubelet writes), else to its layer.
   */
  private execContext(c: SimContainer, mounted: ContainerView): ExecContext {
    const clock = this.clock;
    const all = new Map(mounted.files);
    /** Where a volume's mount starts on its disk: the subPath's keys, or all of them. */
    const under = (v: MountedVolume) => (v.subPath ? `${v.subPath.replace(/\/+$/, '')}/` : '');
    for (const v of mounted.volumes) {
      if (!v.disk) continue;
      const prefix = under(v);
      for (const [key, contents] of v.disk) if (key.startsWith(prefix)) all.set(`${v.path}/${key.slice(prefix.length)}`, contents);
    }
    // Files the container's own script made (touch, echo > file) are there while the script says so.
    const elapsed = this.clock.now() - c.startedAt;
    for (const e of c.config.behavior.files) if (!all.has(e.path) && fileExists(c.config.behavior, e.path, elapsed)) all.set(e.path, '');
    if (c.layer) for (const [path, contents] of c.layer) contents === null ? all.delete(path) : all.set(path, contents);
    all.set('/dev/null', '');
    /** The volume mounted over `path`: the one with the longest mount point above it. */
    const volumeAt = (path: string) => {
      let volume: MountedVolume | undefined;
      for (const v of mounted.volumes) if ((path.startsWith(`${v.path}/`) || path === v.path) && (!volume || v.path.length > volume.path.length)) volume = v;
      return volume;
    };
    const diskKey = (volume: MountedVolume, path: string) => `${under(volume)}${path.slice(volume.path.length + 1)}`;
    return {
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: (mounted.files.get('/etc/hostname') ?? c.config.podName).trim(), ...c.config.env, HOME: '/root' },
      files: all,
      flavor: /(^|\/)(busybox|alpine)(:|@|$)/.test(c.config.container.image ?? '') ? 'busybox' : 'coreutils',
      get now() {
        return clock.now();
      },
      // A timer of the container's: when it exits, its timers go, and a sleeping script with them.
      sleep: (ms) => new Promise<void>((resolve) => this.after(c, ms, resolve)),
      tools: toolsOf(c.config.container.image ?? ''),
      image: c.config.container.image ?? '',
      ...(mounted.request ? { request: mounted.request } : {}),
      ...(mounted.lookup ? { lookup: mounted.lookup } : {}),
      write: (path, contents) => {
        if (path === '/dev/null') return undefined;
        const volume = volumeAt(path);
        if (volume) {
          if (volume.readOnly || !volume.disk || path === volume.path) return 'Read-only file system';
          volume.disk.set(diskKey(volume, path), contents);
        } else (c.layer ??= new Map()).set(path, contents);
        all.set(path, contents);
        return undefined;
      },
      remove: (path) => {
        const volume = volumeAt(path);
        if (volume) {
          if (volume.readOnly || !volume.disk || path === volume.path) return 'Read-only file system';
          volume.disk.delete(diskKey(volume, path));
        } else if (path === '/dev/null' || mounted.files.has(path)) {
          // /etc/hostname, hosts and resolv.conf are mounts of the kubelet's files.
          return 'Device or resource busy';
        } else (c.layer ??= new Map()).set(path, null);
        all.delete(path);
        return undefined;
      },
    };
  }

  portForward(podUid: string, port: number, onData: (data: Buffer) => void, onEnd: () => void): PodConnection {
    const now = this.clock.now();
    const c = [...this.containers.values()].find((x) => x.config.podUid === podUid && x.state === 'running' && x.config.behavior.serves && now - x.startedAt >= x.config.behavior.startDelayMs && listeningPorts(x.config.container).has(port));
    if (!c) {
      const sandbox = createHash('sha256').update(`sandbox/${podUid}`).digest('hex');
      const u = createHash('sha256').update(`netns/${podUid}`).digest('hex');
      const netns = `/var/run/netns/cni-${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20, 32)}`;
      const refused = `IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
      throw new Error(`error forwarding port ${port} to pod ${sandbox}, uid : failed to execute portforward in network namespace ${JSON.stringify(netns)}: failed to connect to localhost:${port} inside namespace ${JSON.stringify(sandbox)}, ${refused}`);
    }
    const conn = new HttpConnection(this.responder(c), onData, onEnd, (r) => {
      // Forwarded connections come from inside the pod's network namespace: the client is localhost.
      // Each request served is CPU work, which shows in the container's metrics.
      c.usage.served(this.clock.now());
      if (c.config.behavior.webServerLog) c.log.append(this.clock.now(), `127.0.0.1 - - [${accessLogTime(this.clock.now())}] "${r.method} ${r.path} ${r.version}" ${r.status} ${r.bytes} "-" "${r.userAgent}"`);
    });
    return { write: (data) => conn.write(data), end: () => conn.end() };
  }

  containerUsage(id: string): UsageSample | undefined {
    const c = this.containers.get(id);
    return c?.state === 'running' ? c.usage.sample(this.clock.now()) : undefined;
  }

  /** How a serving container answers HTTP: nginx as nginx, anything else healthy on its probe paths. */
  private responder(c: SimContainer): HttpResponder {
    const now = () => this.clock.now();
    const nginx = /(^|\/)nginx(-unprivileged)?:([^@]+)/.exec(c.image);
    if (nginx || /(^|\/)nginx(:|@|$)/.test(c.image)) return nginxResponder(nginx && /^\d/.test(nginx[3]!) ? nginx[3]! : '1.29.3', now);
    const spec = c.config.container;
    const paths = new Set([spec.readinessProbe, spec.livenessProbe, spec.startupProbe].flatMap((p) => (p?.httpGet ? [p.httpGet.path ?? '/'] : [])));
    return genericResponder(paths, now, { denyAdmission: c.config.behavior.denyAdmission === true });
  }

  /** Runs `fire` in `ms` unless container `c` ends first; a timer that has fired is let go. */
  private after(c: SimContainer, ms: number, fire: () => void): void {
    const timer = this.clock.setTimeout(() => {
      const timers = c.timers;
      const i = timers ? timers.indexOf(timer) : -1;
      if (i >= 0) timers!.splice(i, 1);
      fire();
    }, ms);
    (c.timers ??= []).push(timer);
  }

  private exit(c: SimContainer, exitCode: number, reason: string): void {
    if (c.state === 'exited') return;
    if (c.timers) for (const t of c.timers) t.cancel();
    c.timers = undefined;
    c.state = 'exited';
    c.exitCode = exitCode;
    c.reason = reason;
    c.finishedAt = this.clock.now();
    const stopping = c.stopping;
    c.stopping = undefined;
    stopping?.resolve();
    if (c.followers) for (const end of [...c.followers]) end();
    const status = this.containerStatus(c.id)!;
    for (const l of this.exitListeners) l(status);
  }

  /** A database's start: it counts its starts on each persistent volume, as its data directory would show. */
  private recordStart(c: SimContainer): void {
    const now = this.clock.now();
    if (c.config.persistentVolumes.size === 0) {
      c.log.append(now, 'initializing database in an ephemeral data directory; data will be lost when the pod goes');
      return;
    }
    for (const [volume, disk] of c.config.persistentVolumes) {
      const starts = Number(disk.get('starts') ?? '0') + 1;
      disk.set('starts', String(starts));
      if (starts === 1) {
        disk.set('initializedBy', c.config.podName);
        c.log.append(now, `initializing database files on volume "${volume}"`);
      } else {
        c.log.append(now, `database files on volume "${volume}" found (initialized by ${disk.get('initializedBy')}); start ${starts}`);
      }
    }
    c.log.append(now, 'database system is ready to accept connections');
  }

  private port(container: Container, port: number | string): number | string {
    if (typeof port === 'number') return port;
    return (container.ports ?? []).find((p) => p.name === port)?.containerPort ?? port;
  }

  private hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.random.next().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

/** Images that listen on a port of their own without declaring it (nginx's and httpd's 80). */
const defaultPorts: [RegExp, number][] = [[/(^|\/)(nginx|httpd)(:|@|$)/, 80]];

/** The TCP ports a serving container listens on: those it declares, and its image's own. */
function listeningPorts(container: Container): Set<number> {
  const ports = new Set((container.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort));
  for (const [image, port] of defaultPorts) if (image.test(container.image ?? '')) ports.add(port);
  return ports;
}

/** Probes come from the node, through the pod network's gateway (`.1` of the pod CIDR). */
function gatewayOf(ip: string): string {
  return ip.replace(/\.\d+$/, '.1');
}

/** nginx's `$time_local`: `23/Nov/2026:12:00:00 +0000`. */
function accessLogTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
