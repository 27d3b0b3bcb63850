// A small Kubernetes REST client for the CLI verbs: HTTPS to the server a kubeconfig names, with its
// CA and bearer token. Failures come back as the server's metav1.Status (ApiError) or as
// ClusterUnreachable when nothing answers, so each verb prints them as kubectl does.
import { promises as fs } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ClusterAccess {
  server: string;
  /** PEM of the CA the server's certificate is signed by. */
  ca?: string;
  token?: string;
}

/** Nothing listens at the server's address: the cluster is not running. */
export class ClusterUnreachable extends Error {
  constructor(readonly server: string) {
    super(`no cluster is running at ${server}; start one with "kubeside serve"`);
  }
}

/** A metav1.Status failure answered by the server. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly status?: Record<string, any>,
  ) {
    super(message);
  }

  /** As kubectl prints it: `Error from server (NotFound): deployments.apps "web" not found`. */
  get display(): string {
    return `Error from server${this.reason ? ` (${this.reason})` : ''}: ${this.message}`;
  }
}

/** The current context's server, CA and token of a kubeconfig file. */
export async function loadKubeconfig(file: string): Promise<ClusterAccess> {
  const doc = parseYaml(await fs.readFile(file, 'utf8')) as Record<string, any>;
  const contexts: any[] = doc?.contexts ?? [];
  const context = contexts.find((c) => c?.name === doc['current-context'])?.context ?? contexts[0]?.context;
  if (!context) throw new Error(`${file}: no current context`);
  const cluster = (doc.clusters ?? []).find((c: any) => c?.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`${file}: context's cluster ${JSON.stringify(context.cluster)} has no server`);
  const user = (doc.users ?? []).find((u: any) => u?.name === context.user)?.user ?? {};
  const dir = path.dirname(file);
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString()
    : cluster['certificate-authority']
      ? await fs.readFile(path.resolve(dir, cluster['certificate-authority']), 'utf8')
      : undefined;
  const token = user.token ?? (user.tokenFile ? (await fs.readFile(path.resolve(dir, user.tokenFile), 'utf8')).trim() : undefined);
  return { server: String(cluster.server).replace(/\/+$/, ''), ...(ca ? { ca } : {}), ...(token ? { token } : {}) };
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: string | Buffer;
  contentType?: string;
  accept?: string;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const connectionRefused = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EADDRNOTAVAIL']);

export class RestClient {
  private readonly agent: https.Agent;

  constructor(readonly access: ClusterAccess) {
    this.agent = new https.Agent({ keepAlive: true, ...(access.ca ? { ca: access.ca } : {}) });
  }

  /** Closes kept-alive connections, so the process (or a test) ends promptly. */
  close(): void {
    this.agent.destroy();
  }

  url(p: string, query: RequestOptions['query'] = {}): URL {
    const url = new URL(this.access.server + p);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Sends one request; `onChunk` streams the body instead of collecting it. Rejects only when the server cannot be reached. */
  request(method: string, p: string, options: RequestOptions = {}, onChunk?: (chunk: Buffer) => void): Promise<Response> {
    const url = this.url(p, options.query);
    const headers: Record<string, string | number> = { Accept: options.accept ?? 'application/json', 'User-Agent': 'kubeside-cli' };
    if (this.access.token) headers.Authorization = `Bearer ${this.access.token}`;
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(options.body);
    }
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        const streaming = onChunk && (res.statusCode ?? 500) < 300;
        res.on('data', (c: Buffer) => (streaming ? onChunk(c) : chunks.push(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', (err: NodeJS.ErrnoException) => reject(err.code && connectionRefused.has(err.code) ? new ClusterUnreachable(this.access.server) : err));
      req.end(options.body);
    });
  }

  /** A JSON request whose non-2xx answer is thrown as the server's Status. */
  async json<T = any>(method: string, p: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, p, options);
    const text = res.body.toString('utf8');
    if (res.status >= 300) throw errorOf(res.status, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** A text request (pod logs), streamed to `onText` when given. */
  async text(p: string, query: RequestOptions['query'], onText?: (text: string) => void): Promise<string> {
    const res = await this.request('GET', p, { query, accept: '*/*' }, onText ? (c) => onText(c.toString('utf8')) : undefined);
    const text = res.body.toString('utf8');
    if (res.status >= 300) throw errorOf(res.status, text);
    return text;
  }
}

/** A failed response as an ApiError: its Status if it is one, else the body as the message. */
export function errorOf(code: number, text: string): ApiError {
  try {
    const s = JSON.parse(text) as Record<string, any>;
    if (s?.kind === 'Status') return new ApiError(code, s.reason ?? '', s.message ?? text, s);
  } catch {
    // not JSON: the body is the message
  }
  return new ApiError(code, code === 404 ? 'NotFound' : '', text.trim() || `the server answered ${code}`);
}
