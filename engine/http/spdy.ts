// The server side of SPDY/3.1 as Kubernetes streams use it (k8s.io/apimachinery httpstream/spdy over
// moby/spdystream): the client opens streams with SYN_STREAM frames carrying only Kubernetes headers
// (streamType, port, requestID), the server accepts each with SYN_REPLY, and DATA frames flow both
// ways until FIN or RST_STREAM. Written here because the npm SPDY implementations refuse streams
// without HTTP's :method and :path headers. Framing: https://www.chromium.org/spdy/spdy-protocol/spdy-protocol-draft3-1/
import * as zlib from 'node:zlib';

const version = 3;
const frameType = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;
const flagFin = 0x01;
/** RST_STREAM status codes. */
export const rstStatus = { protocolError: 1, cancel: 5, internalError: 6 } as const;

/** SPDY/3's zlib dictionary for header blocks (§2.6.10.1): length-prefixed header names and values, then common text. */
const headerDictionary = (() => {
  const words = ['options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin'];
  const tail =
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts: Buffer[] = [];
  for (const w of words) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    parts.push(len, Buffer.from(w, 'latin1'));
  }
  parts.push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
})();

/** One zlib stream of a direction of the connection: every header block continues it, each ending in a sync flush. */
class HeaderCodec {
  private readonly stream: zlib.Inflate | zlib.Deflate;
  private output: Buffer[] = [];

  constructor(kind: 'inflate' | 'deflate') {
    this.stream = kind === 'inflate' ? zlib.createInflate({ dictionary: headerDictionary }) : zlib.createDeflate({ dictionary: headerDictionary });
    this.stream.on('data', (chunk: Buffer) => this.output.push(chunk));
    this.stream.on('error', () => {});
  }

  process(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.stream.write(input, (err) => {
        if (err) return reject(err);
        this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          const out = Buffer.concat(this.output);
          this.output = [];
          resolve(out);
        });
      });
    });
  }

  close(): void {
    this.stream.close();
  }
}

export interface SpdyStream {
  readonly id: number;
  /** Header names in lower case, as SPDY/3 sends them. */
  readonly headers: Readonly<Record<string, string>>;
  write(data: Buffer): void;
  /** Half-closes the server's side (DATA with FIN). */
  end(): void;
  /** Aborts the stream (RST_STREAM). */
  reset(status?: number): void;
  onData(listener: (data: Buffer) => void): void;
  /** The client half-closed its side, reset the stream, or the connection went. */
  onEnd(listener: () => void): void;
}

/** Where a connection's bytes go and come from: a socket, or a WebSocket carrying the tunnel. */
export interface SpdyTransport {
  write(data: Buffer): void;
  close(): void;
}

interface StreamState {
  stream: SpdyStream;
  dataListeners: ((data: Buffer) => void)[];
  endListeners: (() => void)[];
  remoteClosed: boolean;
  localClosed: boolean;
}

/**
 * A server-side SPDY/3.1 connection. Feed it the client's bytes with `receive`; each stream the
 * client opens is accepted (SYN_REPLY) and handed to `onStream`. There is no flow control, as
 * spdystream keeps none: WINDOW_UPDATE frames are read and ignored.
 */
export class SpdyConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, StreamState>();
  private readonly inflater = new HeaderCodec('inflate');
  private readonly deflater = new HeaderCodec('deflate');
  /** Frames are handled one after another: header blocks decompress asynchronously and must stay in order. */
  private incoming: Promise<void> = Promise.resolve();
  /** Likewise outgoing frames: a SYN_REPLY is compressed before the DATA that follows it is sent. */
  private outgoing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly transport: SpdyTransport,
    private readonly onStream: (stream: SpdyStream) => void,
  ) {}

  receive(data: Buffer): void {
    if (this.closed) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (this.buffer.length < 8 + length) return;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      this.incoming = this.incoming.then(() => this.handleFrame(frame)).catch(() => this.close());
    }
  }

  /** Ends every stream and the connection (the transport went, or the server shuts down). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) this.remoteEnd(s);
    this.streams.clear();
    this.inflater.close();
    this.deflater.close();
    this.transport.close();
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const flags = frame[4]!;
    const body = frame.subarray(8);
    if (!(frame[0]! & 0x80)) {
      const s = this.streams.get(frame.readUInt32BE(0) & 0x7fffffff);
      if (!s || s.remoteClosed) return;
      if (body.length) for (const l of s.dataListeners) l(Buffer.from(body));
      if (flags & flagFin) this.remoteEnd(s);
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case frameType.synStream: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = parseHeaderBlock(await this.inflater.process(body.subarray(10)));
        this.accept(id, headers, (flags & flagFin) !== 0);
        return;
      }
      case frameType.headers:
        // Only to keep the shared zlib stream in step: Kubernetes sends no trailing headers it needs.
        await this.inflater.process(body.subarray(4));
        return;
      case frameType.rstStream: {
        const s = this.streams.get(body.readUInt32BE(0) & 0x7fffffff);
        if (s) {
          s.localClosed = true;
          this.remoteEnd(s);
        }
        return;
      }
      case frameType.ping:
        this.send(frame);
        return;
      case frameType.goAway:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and anything newer: nothing to do.
        return;
    }
  }

  private accept(id: number, headers: Record<string, string>, fin: boolean): void {
    const state: StreamState = {
      dataListeners: [],
      endListeners: [],
      remoteClosed: false,
      localClosed: false,
      stream: {
        id,
        headers,
        write: (data) => {
          if (state.localClosed || this.closed) return;
          // A DATA frame's length field has 24 bits.
          for (let at = 0; at < data.length; at += 0xffffff) this.send(dataFrame(id, data.subarray(at, at + 0xffffff), 0));
        },
        end: () => {
          if (state.localClosed || this.closed) return;
          state.localClosed = true;
          this.send(dataFrame(id, Buffer.alloc(0), flagFin));
          this.forgetIfDone(state);
        },
        reset: (status = rstStatus.cancel) => {
          if (this.closed) return;
          const rst = Buffer.alloc(8);
          rst.writeUInt32BE(id & 0x7fffffff, 0);
          rst.writeUInt32BE(status, 4);
          this.send(controlFrame(frameType.rstStream, 0, rst));
          state.localClosed = true;
          this.remoteEnd(state);
        },
        onData: (l) => void state.dataListeners.push(l),
        onEnd: (l) => void (state.remoteClosed ? l() : state.endListeners.push(l)),
      },
    };
    this.streams.set(id, state);
    const reply = Buffer.alloc(4);
    reply.writeUInt32BE(id & 0x7fffffff);
    this.sendCompressed(frameType.synReply, reply, encodeHeaderBlock({}));
    this.onStream(state.stream);
    if (fin) this.remoteEnd(state);
  }

  private remoteEnd(s: StreamState): void {
    if (s.remoteClosed) return;
    s.remoteClosed = true;
    for (const l of s.endListeners.splice(0)) l();
    this.forgetIfDone(s);
  }

  private forgetIfDone(s: StreamState): void {
    if (s.remoteClosed && s.localClosed) this.streams.delete(s.stream.id);
  }

  private send(frame: Buffer): void {
    this.outgoing = this.outgoing.then(() => {
      if (!this.closed) this.transport.write(frame);
    });
  }

  private sendCompressed(type: number, prefix: Buffer, block: Buffer): void {
    this.outgoing = this.outgoing.then(async () => {
      const compressed = await this.deflater.process(block);
      if (!this.closed) this.transport.write(controlFrame(type, 0, Buffer.concat([prefix, compressed])));
    });
  }
}

function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | version, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | body.length, 4);
  return Buffer.concat([head, body]);
}

function dataFrame(id: number, data: Buffer, flags: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(id & 0x7fffffff, 0);
  head.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([head, data]);
}

/** A decompressed SPDY/3 header block: a count, then length-prefixed names and values (several values are NUL-separated; the first is kept). */
function parseHeaderBlock(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let at = 0;
  const read = () => {
    const len = block.readUInt32BE(at);
    const s = block.subarray(at + 4, at + 4 + len).toString('utf8');
    at += 4 + len;
    return s;
  };
  const count = block.readUInt32BE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    const name = read().toLowerCase();
    headers[name] = read().split('\0')[0]!;
  }
  return headers;
}

function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const name = Buffer.from(k.toLowerCase());
    const value = Buffer.from(v);
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}
