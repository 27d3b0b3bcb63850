// The HTTP/1.1 server inside a simulated serving container, for connections port-forwarded into
// its pod: nginx images answer with nginx's welcome page at / and its 404 page elsewhere; other
// servers answer their HTTP probes' paths with 200 `ok` and anything else with 404.

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the container answers to one request (headers by lower-case name); `log` receives its access-log line. */
export type HttpResponder = (method: string, path: string, headers: Record<string, string>, body: Buffer) => HttpAnswer;

const reasons: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Not Allowed', 503: 'Service Unavailable' };

/** nginx's stock index.html. */
export const nginxWelcomePage = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** nginx's built-in error page for a status. */
function nginxErrorPage(status: number, version: string): string {
  const title = `${status} ${reasons[status] ?? ''}`.trim();
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}

/** The responder of an nginx image of `version` (e.g. `1.27.3`). */
export function nginxResponder(version: string, now: () => number): HttpResponder {
  return (method, path) => {
    const common = { Server: `nginx/${version}`, Date: new Date(now()).toUTCString(), 'Content-Type': 'text/html' };
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: common, body: nginxErrorPage(405, version) };
    const file = path.split('?')[0];
    if (file === '/' || file === '/index.html') return { status: 200, headers: { ...common, 'Accept-Ranges': 'bytes' }, body: nginxWelcomePage };
    return { status: 404, headers: common, body: nginxErrorPage(404, version) };
  };
}

/**
 * The responder of any other server: its probe paths are healthy, nothing else is there, except
 * that it answers an AdmissionReview POSTed to it as the admission webhook it is taken to be:
 * allowing the request, or with `denyAdmission` refusing it.
 */
export function genericResponder(healthPaths: ReadonlySet<string>, now: () => number, options: { denyAdmission?: boolean } = {}): HttpResponder {
  return (method, path, _headers, body) => {
    const headers = { Date: new Date(now()).toUTCString(), 'Content-Type': 'text/plain; charset=utf-8' };
    const review = method === 'POST' && body.length > 0 ? admissionReview(body) : undefined;
    if (review) {
      const response = options.denyAdmission
        ? { uid: review.uid, allowed: false, status: { code: 403, message: 'denied by a simulated webhook server (kubeside.dev/behavior: deny-admission)' } }
        : { uid: review.uid, allowed: true };
      return { status: 200, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'AdmissionReview', apiVersion: review.apiVersion, response }) };
    }
    return healthPaths.has(path.split('?')[0]!) ? { status: 200, headers, body: 'ok\n' } : { status: 404, headers, body: '404 page not found\n' };
  };
}

/** The request of an AdmissionReview body, if that is what `body` is. */
function admissionReview(body: Buffer): { uid: string; apiVersion: string } | undefined {
  try {
    const review = JSON.parse(body.toString('utf8'));
    const uid = review?.request?.uid;
    return review?.kind === 'AdmissionReview' && typeof uid === 'string' ? { uid, apiVersion: String(review.apiVersion) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One TCP connection to the server: bytes in, parsed into requests (keep-alive, pipelining, bodies
 * by Content-Length), each answered in order; `Connection: close` ends the connection after its answer.
 */
export class HttpConnection {
  private buffer = Buffer.alloc(0);
  private closed = false;

  constructor(
    private readonly respond: HttpResponder,
    private readonly send: (data: Buffer) => void,
    private readonly close: () => void,
    private readonly log: (line: { method: string; path: string; version: string; status: number; bytes: number; userAgent: string }) => void,
  ) {}

  write(data: Buffer): void {
    if (this.closed) return;
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [requestLine = '', ...headerLines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const h of headerLines) {
        const colon = h.indexOf(':');
        if (colon > 0) headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      const requestBody = this.buffer.subarray(end + 4, end + 4 + length);
      this.buffer = this.buffer.subarray(end + 4 + length);
      const [method = '', path = '/', version = 'HTTP/1.1'] = requestLine.split(' ');
      const answer = /^HTTP\/1\.[01]$/.test(version) ? this.respond(method, path, headers, requestBody) : { status: 400, headers: {}, body: '' };
      const closing = headers.connection?.toLowerCase() === 'close' || version === 'HTTP/1.0' || answer.status === 400;
      const body = Buffer.from(answer.body);
      const head = [`HTTP/1.1 ${answer.status} ${reasons[answer.status] ?? ''}`, ...Object.entries(answer.headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${body.length}`, `Connection: ${closing ? 'close' : 'keep-alive'}`];
      this.send(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), method === 'HEAD' ? Buffer.alloc(0) : body]));
      this.log({ method, path, version, status: answer.status, bytes: method === 'HEAD' ? 0 : body.length, userAgent: headers['user-agent'] ?? '-' });
      if (closing) {
        this.end();
        return;
      }
    }
  }

  /** The client closed its side: the server closes too once it has answered what it read. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.close();
  }
}
