// pods/exec, pods/attach and pods/portforward: the upgraded connections kubectl opens. exec and
// attach speak the WebSocket channel protocol (v5.channel.k8s.io, v4.channel.k8s.io: one byte of
// channel — 0 stdin, 1 stdout, 2 stderr, 3 error as a metav1.Status, 4 resize, v5's 255 close —
// then the data); port-forward tunnels SPDY through a WebSocket (SPDY/3.1+portforward.k8s.io, kubectl
// 1.31+), speaks it directly after a SPDY/3.1 upgrade (older clients), or uses the WebSocket channel
// protocol with `?ports=` (data and error channels per port, each opened with its port, 2 bytes LE).
// See https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/4006-transition-spdy-to-websockets
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { StatusError, statusErrors } from '../api/errors';
import type { ApiServer, ContainerProcess, ContainerStreams, PodConnection } from '../apiserver/apiserver';
import type { UserInfo } from '../apiserver/auth/user';
import type { RequestContext } from '../apiserver/request';
import { resourceRequestInfo } from './requestInfo';
import { rstStatus, SpdyConnection, type SpdyStream } from './spdy';

const channelProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const spdyTunnelProtocol = 'SPDY/3.1+portforward.k8s.io';
const portForwardChannelProtocols = ['v4.channel.k8s.io', 'v2.portforward.k8s.io', 'portforward.k8s.io'];
const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export interface PodStreamsOptions {
  server: ApiServer;
  /** The request's user after authentication and impersonation; throws the 401 or 403. */
  identify(req: IncomingMessage): UserInfo | undefined;
  onInternalError?: (err: unknown, req: IncomingMessage) => void;
}

/** Chunks pushed by one side and read as an async iterable by the other: a process's stdin. */
class ChunkQueue implements AsyncIterable<Buffer> {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(chunk: Buffer): void {
    if (this.ended) return;
    this.chunks.push(chunk);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) yield next;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const successStatus = { metadata: {}, status: 'Success' };

/** The kubelet's Status for a process that exited non-zero; kubectl exits with the code it carries. */
function exitStatus(command: string[], code: number): object {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export class PodStreams {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => this.pickProtocol(offered) });
  /** Upgraded connections, which node:http no longer tracks: closing the server ends them. */
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly options: PodStreamsOptions) {}

  /** How many upgraded connections are open. */
  get open(): number {
    return this.sockets.size;
  }

  closeAll(): void {
    for (const s of [...this.sockets]) s.destroy();
  }

  /** node:http's 'upgrade' listener. Failures before the upgrade are ordinary Status responses. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => {});
    try {
      this.upgrade(req, socket, head);
    } catch (err) {
      let status: StatusError;
      if (err instanceof StatusError) status = err;
      else {
        this.options.onInternalError?.(err, req);
        status = statusErrors.internal(err instanceof Error ? err.message : String(err));
      }
      const body = JSON.stringify(status.status);
      socket.end(`HTTP/1.1 ${status.code} ${status.status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n${body}`);
    }
  };

  private pickProtocol(offered: Set<string>): string | false {
    for (const p of [spdyTunnelProtocol, ...channelProtocols, ...portForwardChannelProtocols]) if (offered.has(p)) return p;
    return false;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const info = resourceRequestInfo(req.method ?? 'GET', url.pathname.replace(/\/+$/, ''), url.searchParams);
    const ref = info?.ref;
    const subresource = ref?.subresource;
    if (!ref || ref.group !== '' || ref.resource !== 'pods' || !ref.name || (subresource !== 'exec' && subresource !== 'attach' && subresource !== 'portforward')) {
      throw statusErrors.badRequest('this resource does not serve upgraded connections');
    }
    const user = this.options.identify(req);
    if (!user) throw statusErrors.unauthorized();
    const ctx: RequestContext = { user, requestURI: `${url.pathname}${url.search}`, ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}) };
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    const query = url.searchParams;
    if (subresource === 'portforward') {
      const forward = this.options.server.podPortForward(ctx, ref);
      if (upgrade === 'spdy/3.1') return this.spdyUpgrade(req, socket, head, forward);
      if (upgrade !== 'websocket') throw statusErrors.badRequest('Upgrade request required');
      return this.accept(req, socket, head, (ws) => (ws.protocol === spdyTunnelProtocol ? this.spdyTunnel(ws, forward) : this.portForwardChannels(ws, forward, query)));
    }
    const options = { ...(query.get('container') ? { container: query.get('container')! } : {}), command: query.getAll('command') };
    const start = this.options.server.podExec(ctx, ref, options);
    if (upgrade !== 'websocket') throw statusErrors.badRequest(upgrade === 'spdy/3.1' ? `${subresource} over SPDY is not served: use a client that speaks WebSockets (v5.channel.k8s.io)` : 'Upgrade request required');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!channelProtocols.some((p) => offered.includes(p))) throw statusErrors.badRequest(`none of the offered subprotocols is supported; this server speaks ${channelProtocols.join(', ')}`);
    this.accept(req, socket, head, (ws) => this.execSession(ws, start, query, options.command));
  }

  private accept(req: IncomingMessage, socket: Duplex, head: Buffer, run: (ws: WebSocket) => void): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      run(ws);
    });
  }

  /** exec or attach over the channel protocol: output as it comes, then the Status on the error channel, then close. */
  private execSession(ws: WebSocket, start: (streams: ContainerStreams) => ContainerProcess, query: URLSearchParams, command: string[]): void {
    const v5 = ws.protocol === 'v5.channel.k8s.io';
    const send = (ch: number, data: string | Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
    };
    const finish = (status: object) => {
      send(channel.error, JSON.stringify(status));
      ws.close(1000);
    };
    const stdin = query.get('stdin') === 'true' || query.get('stdin') === '1' ? new ChunkQueue() : undefined;
    const streams: ContainerStreams = { stdout: (t) => send(channel.stdout, t), stderr: (t) => send(channel.stderr, t), tty: query.get('tty') === 'true' || query.get('tty') === '1', ...(stdin ? { stdin } : {}) };
    let proc: ContainerProcess;
    try {
      proc = start(streams);
    } catch (err) {
      // The kubelet refused the stream (the container does not run): kube-apiserver's stream
      // translator reports its failed upgrade as an internal error on the error channel.
      finish(statusErrors.internal(`unable to upgrade connection: ${err instanceof Error ? err.message : String(err)}`).status);
      return;
    }
    ws.on('message', (data: RawData) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      if (buf[0] === channel.stdin && buf.length > 1) stdin?.push(buf.subarray(1));
      else if (v5 && buf[0] === channel.close && buf[1] === channel.stdin) stdin?.end();
    });
    ws.on('close', () => {
      stdin?.end();
      proc.close();
    });
    proc.exitCode.then(
      (code) => finish(code === 0 ? successStatus : exitStatus(command.length ? command : ['attach'], code)),
      (err: unknown) => finish(statusErrors.internal(err instanceof Error ? err.message : String(err)).status),
    );
  }

  /** kubectl 1.31+: SPDY frames carried in binary WebSocket messages. */
  private spdyTunnel(ws: WebSocket, forward: Forwarder): void {
    const conn = new SpdyConnection({ write: (d) => ws.readyState === ws.OPEN && ws.send(d), close: () => ws.close(1000) }, portForwardStreams(forward));
    ws.on('message', (data: RawData) => conn.receive(Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[])));
    ws.on('close', () => conn.close());
  }

  /** Older clients: `Upgrade: SPDY/3.1` on a POST, then SPDY on the socket itself. */
  private spdyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, forward: Forwarder): void {
    const offered = [req.headers['x-stream-protocol-version'] ?? []].flat().flatMap((v) => v.split(',').map((p) => p.trim()));
    if (!offered.includes('portforward.k8s.io')) throw statusErrors.badRequest(`unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [portforward.k8s.io]`);
    this.sockets.add(socket);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
    const conn = new SpdyConnection({ write: (d) => socket.write(d), close: () => socket.end() }, portForwardStreams(forward));
    if (head.length) conn.receive(head);
    socket.on('data', (d: Buffer) => conn.receive(d));
    socket.on('close', () => {
      this.sockets.delete(socket);
      conn.close();
    });
  }

  /** The kubelet's WebSocket port-forward: per port in `?ports=`, a data channel 2i and an error channel 2i+1. */
  private portForwardChannels(ws: WebSocket, forward: Forwarder, query: URLSearchParams): void {
    const ports = query.getAll('ports').flatMap((p) => p.split(',')).map((p) => Number(p.trim()));
    if (!ports.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      ws.close(1008, 'query parameter "ports" must name the ports to forward');
      return;
    }
    const send = (ch: number, data: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([ch]), data]));
    const connections: (PodConnection | undefined)[] = [];
    ports.forEach((port, i) => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16LE(port);
      send(2 * i, prefix);
      send(2 * i + 1, prefix);
      try {
        connections[i] = forward(port, (d) => send(2 * i, d), () => ws.close(1000));
      } catch (err) {
        send(2 * i + 1, Buffer.from(err instanceof Error ? err.message : String(err)));
      }
    });
    ws.on('message', (data: RawData) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      const ch = buf[0]!;
      if (ch % 2 === 0 && buf.length > 1) connections[ch / 2]?.write(buf.subarray(1));
    });
    ws.on('close', () => connections.forEach((c) => c?.end()));
  }
}

type Forwarder = (port: number, onData: (data: Buffer) => void, onEnd: () => void) => PodConnection;

/**
 * The kubelet's SPDY port-forward handler: the client opens an error stream and a data stream per
 * connection (headers streamType, port, requestID); once both are there the port is dialled, bytes
 * flow between the data stream and the connection, and a failure is written to the error stream.
 */
function portForwardStreams(forward: Forwarder): (stream: SpdyStream) => void {
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream }>();
  return (stream) => {
    const type = stream.headers.streamtype;
    const port = Number(stream.headers.port);
    if ((type !== 'data' && type !== 'error') || !Number.isInteger(port) || port < 1 || port > 65535) {
      stream.reset(rstStatus.protocolError);
      return;
    }
    const key = `${stream.headers.requestid ?? ''}/${port}`;
    const pair = pairs.get(key) ?? {};
    pair[type] = stream;
    pairs.set(key, pair);
    if (!pair.data || !pair.error) return;
    pairs.delete(key);
    const { data, error } = pair;
    let conn: PodConnection;
    try {
      conn = forward(
        port,
        (d) => data.write(d),
        () => {
          data.end();
          error.end();
        },
      );
    } catch (err) {
      error.write(Buffer.from(err instanceof Error ? err.message : String(err)));
      error.end();
      data.end();
      return;
    }
    data.onData((d) => conn.write(d));
    data.onEnd(() => conn.end());
  };
}
