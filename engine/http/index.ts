// The embedded cluster's REST API on loopback, so kubectl, @kubernetes/client-node and anything
// else that speaks Kubernetes work against it unchanged. `serveApi` puts an HTTPS listener in front
// of an ApiServer; `startServer` is the whole `kubeside serve`: a persisted cluster (store, API
// servers, scheduler, controllers, kubelets), its PKI and admin token, the listener and a kubeconfig.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ApiServer } from '../apiserver/apiserver';
import { groups, TokenAuthenticator } from '../apiserver/auth/user';
import { ApiClient } from '../apiserver/client';
import { Cluster } from '../cluster/index';
import { type Clock, RealClock } from '../util/clock';
import { Random } from '../util/random';
import { gitVersion, RestHandler } from './handler';
import { kubeconfig, writePrivateFile } from './kubeconfig';
import { ensureServingPKI, type ServingPKI } from './pki';
import type { ServiceRequestSource } from './serviceRequest';
import { settleRestore, type SnapshotSource } from './snapshot';

export { gitVersion, maxRequestBodyBytes, RestHandler } from './handler';
export { kubeconfig, mergeKubeconfig, type KubeconfigEntry } from './kubeconfig';
export { applyManifests, type AppliedManifest } from './manifests';
export { ensureServingPKI, type ServingPKI } from './pki';
export { type ServiceRequestBody, serviceRequestPath, type ServiceRequestSource } from './serviceRequest';
export { restoreStateDir, snapshotPath, snapshotRevisionHeader, type SnapshotSource } from './snapshot';

export interface ServeApiOptions {
  server: ApiServer;
  clock: Clock;
  random: Random;
  pki: ServingPKI;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only by default: the cluster is the user's, not the network's. */
  host?: string;
  onInternalError?: (err: unknown) => void;
  /** The cluster's store, served as snapshots to admins (`GET /kubeside/v1/snapshot`). */
  snapshots?: SnapshotSource;
  /** The cluster, answering simulated requests through its network to admins (`POST /kubeside/v1/request`). */
  requests?: ServiceRequestSource;
}

export interface RestServer {
  readonly url: string;
  readonly port: number;
  /** Watch streams currently open. */
  openWatches(): number;
  close(): Promise<void>;
}

/** Serves `server`'s REST API over HTTPS until `close()`. */
export async function serveApi(options: ServeApiOptions): Promise<RestServer> {
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  const handler = new RestHandler({
    server: options.server,
    clock: options.clock,
    random: options.random,
    serverAddress: () => `${host}:${port}`,
    ...(options.snapshots ? { snapshots: options.snapshots } : {}),
    ...(options.requests ? { requests: options.requests } : {}),
    ...(options.onInternalError ? { onInternalError: (err) => options.onInternalError!(err) } : {}),
  });
  const listener = https.createServer(
    {
      cert: options.pki.cert,
      key: options.pki.key,
      // Client certificates the cluster CA issued authenticate their subject (kube-apiserver's
      // --client-ca-file); a client without one, or with another, is judged by its token.
      ca: options.pki.caCert,
      requestCert: true,
      rejectUnauthorized: false,
      // A client must send its whole request in time; watch responses may then last as long as they need.
      headersTimeout: 30_000,
      requestTimeout: 60_000,
    },
    handler.handle,
  );
  // exec, attach and port-forward upgrade their connection (WebSocket, or SPDY for port-forward).
  listener.on('upgrade', handler.handleUpgrade);
  // Clients keep idle connections for a while (client-go: 90 s) and reuse them; closing them sooner
  // (Node's default is 5 s) races with a request the client is just sending on one.
  listener.keepAliveTimeout = 120_000;
  // A TLS handshake or socket error belongs to one connection, never to the server.
  listener.on('tlsClientError', () => {});
  // A request Node cannot parse gets a bare 400 on its connection, which then closes.
  listener.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  port = (listener.address() as AddressInfo).port;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    openWatches: () => handler.openWatches,
    close() {
      closing ??= new Promise<void>((resolve) => {
        handler.stopWatches();
        handler.closePodStreams();
        listener.close(() => resolve());
        listener.closeAllConnections();
      });
      return closing;
    },
  };
}

export interface StartServerOptions {
  /** Where the cluster lives: its store, PKI, admin token and kubeconfig. */
  stateDir: string;
  /** Default: the last run's port if it is free, else any free one (0 asks for any free one). */
  port?: number;
  host?: string;
  /** Where to write the kubeconfig; default `<stateDir>/kubeconfig`. */
  kubeconfigPath?: string;
  /** Defaults to real time: a served cluster is used by people. */
  clock?: Clock;
  /** Seed of the cluster's randomness (uids, generated names, IPs); random by default. */
  seed?: number;
  /** Worker nodes (default 3). */
  workers?: number;
  /** Control-plane nodes (default 1). */
  controlPlaneNodes?: number;
  onInternalError?: (err: unknown) => void;
}

export interface StartedServer {
  readonly url: string;
  readonly port: number;
  /** Base64 of the CA certificate's PEM, as kubeconfig's certificate-authority-data. */
  readonly caData: string;
  /** The admin's bearer token (user kubeside-admin, group system:masters). */
  readonly token: string;
  readonly kubeconfigPath: string;
  readonly apiServer: ApiServer;
  /** The running cluster behind the API: nodes can be added, failed and drained through it. */
  readonly cluster: Cluster;
  /** An in-process client as the admin, for what the caller sets up itself. */
  readonly client: ApiClient;
  /** Watch streams currently open on the REST API. */
  openWatches(): number;
  /** Stops serving and closes the store; the state stays on disk. */
  close(): Promise<void>;
}

export const adminUser = 'kubeside-admin';

/** The admin token of a state directory, made on first start (32 random bytes, hex, mode 0600). */
async function adminToken(stateDir: string): Promise<string> {
  const file = path.join(stateDir, 'admin.token');
  try {
    const token = (await fs.readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(token)) return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // A credential comes from the system's secure source, never from the seeded engine randomness.
  const token = randomBytes(32).toString('hex');
  await writePrivateFile(file, `${token}\n`);
  return token;
}

/** Whether a process of this id runs (signal 0 only checks). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes this process the only one serving a state directory: two writers of one store log would
 * corrupt it. A lock left by a process that is gone is taken over. Resolves to its release.
 */
async function lockStateDir(stateDir: string): Promise<() => Promise<void>> {
  const file = path.join(stateDir, 'serve.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => fs.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
      throw new Error(`the cluster in ${stateDir} is already being served${holder === process.pid ? ' by this process' : ` by process ${holder}`}`);
    }
    await fs.rm(file, { force: true });
  }
  throw new Error(`could not lock ${stateDir}: another process keeps taking its lock`);
}

async function lastPort(stateDir: string): Promise<number | undefined> {
  try {
    const port = Number((await fs.readFile(path.join(stateDir, 'port'), 'utf8')).trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}

export async function startServer(options: StartServerOptions): Promise<StartedServer> {
  const stateDir = path.resolve(options.stateDir);
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  const clock = options.clock ?? new RealClock();
  const random = new Random(options.seed ?? randomBytes(4).readUInt32LE(0));
  const pki = await ensureServingPKI(path.join(stateDir, 'pki'), clock.now());
  const token = await adminToken(stateDir);
  const authenticator = new TokenAuthenticator();
  authenticator.add(token, { name: adminUser, groups: [groups.masters] });

  const unlock = await lockStateDir(stateDir);
  let cluster: Cluster;
  try {
    await settleRestore(stateDir);
    // The whole cluster (API servers, scheduler, controllers, kubelets), persisted in the state directory.
    cluster = await Cluster.start({
      stateDir,
      clock,
      seed: options.seed ?? randomBytes(4).readUInt32LE(0),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.controlPlaneNodes !== undefined ? { controlPlaneNodes: options.controlPlaneNodes } : {}),
    });
  } catch (err) {
    await unlock();
    throw err;
  }
  cluster.authenticator.add(token, { name: adminUser, groups: [groups.masters] });
  let rest: RestServer | undefined;
  try {
    const apiServer = cluster.apiServer;
    const serve = (port: number | undefined) =>
      serveApi({ server: apiServer, clock, random, pki, snapshots: cluster.store, requests: cluster, ...(port !== undefined ? { port } : {}), ...(options.host ? { host: options.host } : {}), ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}) });
    if (options.port !== undefined) rest = await serve(options.port);
    else {
      // The port of the last run, while it is free, so kubeconfigs copied or merged before stay valid.
      const last = await lastPort(stateDir);
      try {
        rest = await serve(last);
      } catch (err) {
        if (last === undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        rest = await serve(undefined);
      }
      await fs.writeFile(path.join(stateDir, 'port'), `${rest.port}\n`);
    }
    const kubeconfigPath = path.resolve(options.kubeconfigPath ?? path.join(stateDir, 'kubeconfig'));
    await writePrivateFile(kubeconfigPath, kubeconfig({ name: 'kubeside', server: rest.url, caCert: pki.caCert, token, user: adminUser }));
    const served = rest;
    let closing: Promise<void> | undefined;
    return {
      url: served.url,
      port: served.port,
      caData: Buffer.from(pki.caCert).toString('base64'),
      token,
      kubeconfigPath,
      apiServer,
      openWatches: () => served.openWatches(),
      client: new ApiClient(apiServer, { name: adminUser, groups: [groups.masters, groups.authenticated] }, `kubeside/${gitVersion}`),
      cluster,
      close() {
        closing ??= (async () => {
          await served.close();
          await cluster.stop();
          await unlock();
        })();
        return closing;
      },
    };
  } catch (err) {
    await rest?.close();
    await cluster.stop();
    await unlock();
    throw err;
  }
}
