// The programs `kubectl exec` can run in a simulated container: env, printenv, hostname, cat, ls,
// echo, pwd, true, false, test (and `[`), tar (what `kubectl cp` runs, both ways), curl and wget
// where the image has them (requests through the cluster network, as `cluster request` sends) and a shell
// (`sh -c '…'` with `;`, `&&`, `||`, quotes, `$VAR` and `exit N`), each answering as its coreutils
// (Debian-based images) or busybox (busybox, alpine) self does.
import { gunzipSync, gzipSync } from 'node:zlib';
import { readTar, TarFormatError, writeTar, type TarEntry } from './tar';

/** What a process sees of its container. */
export interface ExecContext {
  /** The process environment (PATH, HOSTNAME, the container's env, HOME). */
  env: Readonly<Record<string, string>>;
  /** Regular files by absolute path; directories are the prefixes of their paths. */
  files: ReadonlyMap<string, string>;
  /** busybox (busybox, alpine) or GNU coreutils with dash as sh (Debian-based images): their error wording differs. */
  flavor: 'busybox' | 'coreutils';
  /**
   * Writes a regular file (and shows it in `files`): undefined once written, else why it cannot be
   * (`Read-only file system`). Absent when nothing in the container can be written.
   */
  write?(path: string, contents: string): string | undefined;
  /** Removes a file, or a directory's marker (`path/`): undefined once removed, else why it cannot be. */
  remove?(path: string): string | undefined;
  /** The time now, in ms since the epoch: what files written now are dated. */
  now?: number;
  /** Resolves after `ms` of the container's clock; never, once the container has exited. Absent: at once. */
  sleep?(ms: number): Promise<void>;
  /** Sends an HTTP request from the pod into the cluster network; absent where nothing routes one. */
  request?: SendRequest;
  /** A DNS query from the pod, through its resolver; absent where nothing answers one. */
  lookup?: (name: string) => DnsAnswer;
  /** The image's own programs, besides those every image has: `curl`, `wget`, `nslookup`. */
  tools?: ReadonlySet<string>;
  /** The container's image, for a program whose answers changed between versions. */
  image?: string;
}

/** An HTTP request from the container, and what came back: an answer, or the error the connection ended with (in Go's words, as the network reports it). */
export type SendRequest = (method: string, url: string, body?: { contentType?: string; data: string }) => HttpOutcome;

/** What the cluster DNS answered: the name found and its address, or why there is none. */
export type DnsAnswer = { readonly fqdn: string; readonly address: string } | { readonly error: 'NXDOMAIN' | 'timeout' };

export interface HttpOutcome {
  readonly status?: number;
  readonly reason?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** `dial tcp 10.96.0.12:80: connect: connection refused`, `dial tcp: lookup web: no such host`, `Get "…": EOF`. */
  readonly error?: string;
  /** The address connected to, once the name resolved. */
  readonly address?: string;
}

export interface ExecIO {
  /** Text, or bytes as they are (a tar archive). */
  stdout(data: string | Buffer): void;
  stderr(text: string): void;
  /** Chunks of stdin until the client closes it; absent without `-i`. */
  stdin?: AsyncIterable<Buffer>;
  /** Whether stdin is a terminal (`-t`): an interactive shell then prompts for each command line. */
  tty?: boolean;
}

/** The executable is not in the image: the runtime fails the exec before anything runs. */
export class ExecutableNotFound extends Error {
  constructor(readonly executable: string) {
    super(`exec: ${JSON.stringify(executable)}: executable file not found in $PATH`);
  }
}

/** Directories every image has, for `ls /` and friends. */
const rootDirectories = ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'];
const shells = new Set(['sh', 'bash', 'ash', 'dash']);

type Program = (args: string[], ctx: ExecContext, io: ExecIO) => Promise<number> | number;

const programs: Record<string, Program> = {
  true: () => 0,
  false: () => 1,
  pwd: (_a, _c, io) => (io.stdout('/\n'), 0),
  hostname: (_a, ctx, io) => (io.stdout(`${(ctx.files.get('/etc/hostname') ?? '').trim()}\n`), 0),
  env: (_a, ctx, io) => (io.stdout(Object.entries(ctx.env).map(([k, v]) => `${k}=${v}\n`).join('')), 0),
  printenv: (args, ctx, io) => {
    if (!args.length) return programs.env!(args, ctx, io);
    let code = 0;
    for (const name of args) {
      if (name in ctx.env) io.stdout(`${ctx.env[name]}\n`);
      else code = 1;
    }
    return code;
  },
  echo: (args, _c, io) => {
    const noNewline = args[0] === '-n';
    io.stdout(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
    return 0;
  },
  cat: async (args, ctx, io) => {
    const names = args.filter((a) => a === '-' || !a.startsWith('-'));
    if (!names.length) names.push('-');
    let code = 0;
    for (const name of names) {
      if (name === '-') {
        for await (const chunk of io.stdin ?? []) io.stdout(chunk.toString());
        continue;
      }
      const path = absolute(name);
      const file = ctx.files.get(path);
      if (file !== undefined) io.stdout(file);
      else {
        code = 1;
        const why = isDirectory(ctx, path) ? 'Is a directory' : 'No such file or directory';
        io.stderr(ctx.flavor === 'busybox' && why !== 'Is a directory' ? `cat: can't open '${name}': ${why}\n` : `cat: ${name}: ${why}\n`);
      }
    }
    return code;
  },
  ls: (args, ctx, io) => {
    const all = args.some((a) => /^-[a-zA-Z]*a/.test(a));
    const names = args.filter((a) => !a.startsWith('-'));
    if (!names.length) names.push('/');
    let code = 0;
    const listings: string[] = [];
    for (const name of names) {
      const path = absolute(name);
      if (ctx.files.has(path)) {
        listings.push(`${name}\n`);
        continue;
      }
      if (!isDirectory(ctx, path)) {
        code = ctx.flavor === 'busybox' ? 1 : 2;
        io.stderr(ctx.flavor === 'busybox' ? `ls: ${name}: No such file or directory\n` : `ls: cannot access '${name}': No such file or directory\n`);
        continue;
      }
      const entries = [...children(ctx, path)].filter((e) => all || !e.startsWith('.')).sort();
      if (all) entries.unshift('.', '..');
      listings.push(`${names.length > 1 ? `${name}:\n` : ''}${entries.map((e) => `${e}\n`).join('')}`);
    }
    io.stdout(listings.join('\n'));
    return code;
  },
  test: (args, ctx, io) => test(args, ctx, io, 'test'),
  '[': (args, ctx, io) => {
    if (args[args.length - 1] !== ']') {
      io.stderr(ctx.flavor === 'busybox' ? '[: missing ]\n' : 'sh: 1: [: missing ]\n');
      return 2;
    }
    return test(args.slice(0, -1), ctx, io, '[');
  },
  tar: (args, ctx, io) => tar(args, ctx, io),
  grep: (args, ctx, io) => grep(args, ctx, io),
  sleep: async (args, ctx, io) => {
    // Seconds, or with a unit (s, m, h, d); `infinity` never ends. Several add up.
    let ms = 0;
    for (const a of args) {
      if (a === 'infinity' || a === 'inf') return new Promise<number>(() => {});
      const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(a);
      if (!m) {
        io.stderr(ctx.flavor === 'busybox' ? `sleep: invalid number '${a}'\n` : `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
        return 1;
      }
      ms += Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    }
    if (!args.length) {
      io.stderr(ctx.flavor === 'busybox' ? 'sleep: missing operand\n' : "sleep: missing operand\nTry 'sleep --help' for more information.\n");
      return 1;
    }
    await ctx.sleep?.(ms);
    return 0;
  },
  printf: (args, _c, io) => {
    // The format's %s, %d and %%, and its backslash escapes; reused while arguments remain.
    const [format = '', ...values] = args;
    let out = '';
    do {
      out += format.replace(/\\(.)|%([sd%])/g, (m, escaped: string | undefined, conversion: string | undefined) => {
        if (escaped !== undefined) return ({ n: '\n', t: '\t', r: '\r', '\\': '\\' } as Record<string, string>)[escaped] ?? m;
        if (conversion === '%') return '%';
        const v = values.shift() ?? '';
        return conversion === 'd' ? String(parseInt(v, 10) || 0) : v;
      });
    } while (values.length && /%[sd]/.test(format));
    io.stdout(out);
    return 0;
  },
  head: (args, ctx, io) => headOrTail('head', args, ctx, io),
  tail: (args, ctx, io) => headOrTail('tail', args, ctx, io),
  wc: (args, ctx, io) => wc(args, ctx, io),
  sort: async (args, ctx, io) => {
    const flags = args.filter((a) => /^-[a-z]+$/.test(a)).join('');
    const input = await readInputs('sort', args.filter((a) => !/^-[a-z]+$/.test(a)), ctx, io);
    let lines = splitLines(input.text);
    lines.sort(flags.includes('n') ? (a, b) => parseFloat(a) - parseFloat(b) || (a < b ? -1 : a > b ? 1 : 0) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (flags.includes('r')) lines.reverse();
    if (flags.includes('u')) lines = lines.filter((l, i) => i === 0 || l !== lines[i - 1]);
    io.stdout(lines.map((l) => `${l}\n`).join(''));
    return input.code;
  },
  date: (args, ctx, io) => {
    const d = new Date(ctx.now ?? 0);
    const format = args.find((a) => a.startsWith('+'));
    const two = (n: number) => String(n).padStart(2, '0');
    const [dow, mon] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11)];
    const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
    const ymd = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
    if (!format) {
      io.stdout(`${dow} ${mon} ${String(d.getUTCDate()).padStart(2)} ${time} UTC ${d.getUTCFullYear()}\n`);
      return 0;
    }
    const parts: Record<string, string> = { s: String(Math.floor(d.getTime() / 1000)), Y: String(d.getUTCFullYear()), m: two(d.getUTCMonth() + 1), d: two(d.getUTCDate()), H: two(d.getUTCHours()), M: two(d.getUTCMinutes()), S: two(d.getUTCSeconds()), F: ymd, T: time, Z: 'UTC', '%': '%' };
    io.stdout(`${format.slice(1).replace(/%(.)/g, (m, k: string) => parts[k] ?? m)}\n`);
    return 0;
  },
  touch: (args, ctx, io) => {
    let code = 0;
    for (const name of args.filter((a) => !a.startsWith('-'))) {
      const path = absolute(name);
      if (ctx.files.has(path) || isDirectory(ctx, path)) continue;
      const why = parentMissing(ctx, path) ? 'No such file or directory' : writeFile(ctx, path, '');
      if (why) {
        io.stderr(ctx.flavor === 'busybox' ? `touch: ${name}: ${why}\n` : `touch: cannot touch '${name}': ${why}\n`);
        code = 1;
      }
    }
    return code;
  },
  mkdir: (args, ctx, io) => {
    const parents = args.some((a) => /^-[a-z]*p/.test(a) || a === '--parents');
    let code = 0;
    for (const name of args.filter((a) => !a.startsWith('-'))) {
      const path = absolute(name);
      let why: string | undefined;
      if (ctx.files.has(path) || isDirectory(ctx, path)) why = parents && !ctx.files.has(path) ? undefined : 'File exists';
      else if (!parents && parentMissing(ctx, path)) why = 'No such file or directory';
      // A directory is kept by a marker (`path/`) until something is in it.
      else why = writeFile(ctx, `${path}/`, '');
      if (why) {
        io.stderr(ctx.flavor === 'busybox' ? `mkdir: can't create directory '${name}': ${why}\n` : `mkdir: cannot create directory '${name}': ${why}\n`);
        code = 1;
      }
    }
    return code;
  },
  rm: (args, ctx, io) => {
    const flags = args.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('');
    const force = flags.includes('f');
    const recursive = /[rR]/.test(flags);
    let code = 0;
    const fail = (name: string, why: string) => {
      io.stderr(ctx.flavor === 'busybox' ? `rm: can't remove '${name}': ${why}\n` : `rm: cannot remove '${name}': ${why}\n`);
      code = 1;
    };
    for (const name of args.filter((a) => !/^-[a-zA-Z]+$/.test(a))) {
      const path = absolute(name);
      if (ctx.files.has(path)) {
        const why = removeFile(ctx, path);
        if (why) fail(name, why);
      } else if (isDirectory(ctx, path)) {
        if (!recursive) fail(name, 'Is a directory');
        else for (const f of [...ctx.files.keys()].filter((f) => f.startsWith(`${path}/`)).sort().reverse()) {
          const why = removeFile(ctx, f);
          if (why) fail(`${name}${f.slice(path.length)}`, why);
        }
      } else if (!force) fail(name, 'No such file or directory');
    }
    return code;
  },
  curl: (args, ctx, io) => curl(args, ctx, io),
  nslookup: (args, ctx, io) => {
    // busybox's: the cluster DNS server, then the name found and its address.
    const name = args.find((a) => !a.startsWith('-'));
    if (!name) {
      io.stderr('BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n');
      return 1;
    }
    const answer: DnsAnswer = ctx.lookup ? ctx.lookup(name) : { error: 'timeout' };
    if ('error' in answer && answer.error === 'timeout') {
      io.stdout(';; connection timed out; no servers could be reached\n\n');
      return 1;
    }
    // busybox up to 1.28 (the image of the docs' init container example) answered in its own format.
    const old = /(^|\/)busybox:1\.(\d+)/.exec(ctx.image ?? '');
    if (old && Number(old[2]) <= 28) {
      io.stdout('Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n');
      if ('error' in answer) {
        io.stderr(`nslookup: can't resolve '${name}'\n`);
        return 1;
      }
      io.stdout(`Name:      ${name}\nAddress 1: ${answer.address} ${answer.fqdn}\n`);
      return 0;
    }
    io.stdout('Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n');
    if ('error' in answer) {
      io.stderr(`** server can't find ${name}: NXDOMAIN\n\n`);
      return 1;
    }
    io.stdout(`Name:\t${answer.fqdn}\nAddress: ${answer.address}\n\n`);
    return 0;
  },
  wget: (args, ctx, io) => wget(args, ctx, io),
};

/** What a program reads: the files named (`-` or none: stdin), concatenated; code 2 for grep's missing file, 1 for the others'. */
async function readInputs(program: string, names: string[], ctx: ExecContext, io: ExecIO): Promise<{ text: string; code: number; parts: { name: string; text: string }[] }> {
  if (!names.length) names = ['-'];
  const parts: { name: string; text: string }[] = [];
  let code = 0;
  for (const name of names) {
    if (name === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of io.stdin ?? []) chunks.push(chunk);
      parts.push({ name: '(standard input)', text: Buffer.concat(chunks).toString('utf8') });
      continue;
    }
    const path = absolute(name);
    const contents = ctx.files.get(path);
    if (contents !== undefined) {
      parts.push({ name, text: contents });
      continue;
    }
    const why = isDirectory(ctx, path) ? 'Is a directory' : 'No such file or directory';
    code = program === 'grep' ? 2 : 1;
    if (ctx.flavor === 'busybox' || program === 'grep' || program === 'wc') io.stderr(`${program}: ${ctx.flavor === 'busybox' && program !== 'grep' ? `can't open '${name}'` : name}: ${why}\n`);
    else if (program === 'sort') io.stderr(`sort: cannot read: ${name}: ${why}\n`);
    else io.stderr(`${program}: cannot open '${name}' for reading: ${why}\n`);
  }
  return { text: parts.map((p) => p.text).join(''), code, parts };
}

/** The lines of a text, without the newline that ends the last. */
function splitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A POSIX basic regular expression as a JavaScript one: `\(`, `\|`, `\+` are the operators, bare `(`, `|`, `+` literal. */
function basicToJs(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      const n = pattern[++i]!;
      out += '(){}|+?'.includes(n) ? n : `\\${n}`;
    } else out += '(){}|+?'.includes(c) ? `\\${c}` : c;
  }
  return out;
}

/** grep: `-i`, `-v`, `-c`, `-q`, `-n`, `-o`, `-l`, `-h`, `-E`, `-F`, `-e PATTERN`; 0 a line matched, 1 none, 2 trouble. */
async function grep(args: string[], ctx: ExecContext, io: ExecIO): Promise<number> {
  let flags = '';
  const patterns: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-e') patterns.push(args[++i] ?? '');
    else if (/^-[a-zA-Z]+$/.test(a)) flags += a.slice(1);
    else if (!patterns.length && !flags.includes('e')) patterns.push(a);
    else names.push(a);
  }
  if (!patterns.length) {
    io.stderr(ctx.flavor === 'busybox' ? 'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n' : "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  const source = patterns.map((p) => (flags.includes('F') ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : flags.includes('E') ? p : basicToJs(p))).join('|');
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags.includes('i') ? 'i' : ''}${flags.includes('o') ? 'g' : ''}`);
  } catch {
    io.stderr(`grep: Unmatched ( or \\(\n`);
    return 2;
  }
  const input = await readInputs('grep', names, ctx, io);
  const prefixed = names.length > 1 && !flags.includes('h');
  let matched = false;
  for (const part of input.parts) {
    let count = 0;
    const out: string[] = [];
    splitLines(part.text).forEach((line, n) => {
      re.lastIndex = 0;
      const hit = re.test(line) !== flags.includes('v');
      if (!hit) return;
      count++;
      const lead = `${prefixed ? `${part.name}:` : ''}${flags.includes('n') ? `${n + 1}:` : ''}`;
      if (flags.includes('o') && !flags.includes('v')) for (const m of line.match(re) ?? []) out.push(`${lead}${m}\n`);
      else out.push(`${lead}${line}\n`);
    });
    if (count) matched = true;
    if (flags.includes('q')) continue;
    if (flags.includes('l')) {
      if (count) io.stdout(`${part.name}\n`);
    } else if (flags.includes('c')) io.stdout(`${prefixed ? `${part.name}:` : ''}${count}\n`);
    else io.stdout(out.join(''));
  }
  if (flags.includes('q') && matched) return 0;
  return input.code || (matched ? 0 : 1);
}

/** head and tail: `-n N`, `-N`, and tail's `-n +N` (from line N on). */
async function headOrTail(program: 'head' | 'tail', args: string[], ctx: ExecContext, io: ExecIO): Promise<number> {
  let count = 10;
  let from: number | undefined;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = a === '-n' ? args[++i] : a.startsWith('-n') ? a.slice(2) : /^-\d+$/.test(a) ? a.slice(1) : undefined;
    if (value === undefined) {
      names.push(a);
      continue;
    }
    if (!/^\+?\d+$/.test(value)) {
      io.stderr(ctx.flavor === 'busybox' ? `${program}: invalid number '${value}'\n` : `${program}: invalid number of lines: '${value}'\n`);
      return 1;
    }
    if (value.startsWith('+') && program === 'tail') from = Number(value.slice(1));
    else count = Number(value);
  }
  const input = await readInputs(program, names, ctx, io);
  const lines = splitLines(input.text);
  const kept = program === 'head' ? lines.slice(0, count) : from !== undefined ? lines.slice(Math.max(0, from - 1)) : count ? lines.slice(-count) : [];
  io.stdout(kept.map((l) => `${l}\n`).join(''));
  return input.code;
}

/** wc: lines, words and bytes (`-l`, `-w`, `-c`), per file and in total. */
async function wc(args: string[], ctx: ExecContext, io: ExecIO): Promise<number> {
  const flags = args.filter((a) => /^-[lwc]+$/.test(a)).map((a) => a.slice(1)).join('');
  const names = args.filter((a) => !/^-[lwc]+$/.test(a));
  const input = await readInputs('wc', names, ctx, io);
  const shown = (flags || 'lwc').split('').filter((f, i, all) => all.indexOf(f) === i).sort((a, b) => 'lwc'.indexOf(a) - 'lwc'.indexOf(b));
  const counts = (text: string) => ({ l: (text.match(/\n/g) ?? []).length, w: text.split(/\s+/).filter(Boolean).length, c: Buffer.byteLength(text) });
  const rows = input.parts.map((p) => ({ name: names.length ? p.name : '', ...counts(p.text) }));
  if (rows.length > 1) rows.push({ name: 'total', l: rows.reduce((n, r) => n + r.l, 0), w: rows.reduce((n, r) => n + r.w, 0), c: rows.reduce((n, r) => n + r.c, 0) });
  // One count of stdin alone prints bare; otherwise the columns line up.
  const width = shown.length === 1 && !names.length ? 0 : ctx.flavor === 'busybox' ? 9 : names.length ? Math.max(...rows.flatMap((r) => shown.map((f) => String(r[f as 'l']).length))) : 7;
  io.stdout(rows.map((r) => `${shown.map((f) => String(r[f as 'l']).padStart(width)).join(ctx.flavor === 'busybox' ? '' : ' ')}${r.name ? ` ${r.name}` : ''}\n`).join(''));
  return input.code;
}

/** Writes a file through the container's `write`: undefined once written, else why not (nothing is writable without one). */
function writeFile(ctx: ExecContext, path: string, contents: string): string | undefined {
  return ctx.write ? ctx.write(path, contents) : 'Read-only file system';
}

/** Removes a file through the container's `remove`: undefined once removed, else why not. */
function removeFile(ctx: ExecContext, path: string): string | undefined {
  return ctx.remove ? ctx.remove(path) : 'Read-only file system';
}

function parentMissing(ctx: ExecContext, path: string): boolean {
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  return !isDirectory(ctx, parent);
}

/** Programs only some images have: run where `ctx.tools` lists them. */
const imageTools = new Set(['curl', 'wget', 'nslookup']);

const curlAndBusybox: ReadonlySet<string> = new Set(['curl', 'wget', 'nslookup']);
const busyboxOnly: ReadonlySet<string> = new Set(['wget', 'nslookup']);
const curlOnly: ReadonlySet<string> = new Set(['curl']);

/**
 * The network clients an image has: busybox's wget and nslookup in busybox and alpine, those and
 * curl in curlimages/curl (alpine with curl), curl in the Debian-based application images (nginx,
 * httpd, node, python…).
 */
export function toolsOf(image: string): ReadonlySet<string> {
  if (/(^|\/)curlimages\/curl(:|@|$)/.test(image)) return curlAndBusybox;
  return /(^|\/)(busybox|alpine)(:|@|$)/.test(image) ? busyboxOnly : curlOnly;
}

/**
 * Whether a container's command is made only of what this shell and these programs do: then it is
 * run as it is when the container starts (`sh -c 'date; echo done'`, `wget -qO- http://web`, the
 * init container that loops `until nslookup mydb; do sleep 2; done`), instead of being read for
 * its shape. Not a bare or interactive shell, nor `tail -f`; a script that does not parse is read.
 */
export function runsAsIs(argv: readonly string[], image: string): boolean {
  const tools = toolsOf(image);
  const known = (items: Item[]): boolean =>
    items.every(({ node }) => {
      switch (node.kind) {
        case 'pipeline':
          return node.texts.every((text) => [...parseLine(text, () => 0, {})].every((c) => runs(c.words)));
        case 'loop':
          return known(node.cond) && known(node.body);
        case 'for':
          return known(node.body);
        case 'if':
          return node.branches.every((b) => known(b.cond) && known(b.body)) && known(node.otherwise ?? []);
      }
    });
  const runs = (all: readonly string[]): boolean => {
    const words = all.slice(Math.max(0, all.findIndex((w) => !assignment.test(w))));
    if (!words.length || words.every((w) => assignment.test(w))) return true;
    const name = words[0]!.replace(/^(\/usr)?\/s?bin\//, '');
    if (name === 'exit') return true;
    if (shells.has(name)) {
      if (words[1] !== '-c' || words[2] === undefined) return false;
      try {
        return known(parseScript(words[2]));
      } catch {
        return false;
      }
    }
    if (name === 'tail' && words.some((w) => /^-[a-zA-Z]*[fF]|^--follow/.test(w))) return false;
    return Object.hasOwn(programs, name) && (!imageTools.has(name) || tools.has(name));
  };
  return runs(argv);
}

/** How a failed connection failed, read from the network's Go-worded error. */
function connectFailure(error: string): { kind: 'resolve' | 'refused' | 'unreachable' | 'timeout' | 'empty'; host?: string; ip?: string } {
  const lookup = /lookup (\S+?)(?: on \S+)?: /.exec(error);
  if (lookup) return { kind: 'resolve', host: lookup[1]! };
  const dial = /dial tcp ([^:\s]+):\d+/.exec(error);
  if (/connection refused/.test(error)) return { kind: 'refused', ...(dial ? { ip: dial[1]! } : {}) };
  if (/no route to host/.test(error)) return { kind: 'unreachable', ...(dial ? { ip: dial[1]! } : {}) };
  if (/i\/o timeout/.test(error)) return { kind: 'timeout', ...(dial ? { ip: dial[1]! } : {}) };
  return { kind: 'empty' };
}

/** The host, port and path of a URL the network took (a scheme-less one is http://); a URL it could not read stays whole as the host. */
function urlParts(url: string): { host: string; port: number; pathname: string } {
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
    return { host: u.hostname, port: Number(u.port || 80), pathname: u.pathname };
  } catch {
    return { host: url, port: 80, pathname: '/' };
  }
}

/** The request a command line asks for, or the usage error it gets. */
function send(ctx: ExecContext, method: string, url: string, body?: { contentType?: string; data: string }): HttpOutcome | { thrown: string } {
  try {
    return ctx.request!(method, url, body);
  } catch (err) {
    return { thrown: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * curl (8.x): the body to stdout, or to `-o FILE`; `-s`/`-S`, `-f`, `-i`, `-I`, `-v`, `-X`, `-d`,
 * `-H Content-Type`, `-w` with %{http_code} and friends, `-L`, `-m`, `-k` accepted. Errors and exit
 * codes as curl's: 6 name not resolved, 7 refused or unreachable, 28 timeout, 52 empty reply, 22 an
 * HTTP error under -f.
 */
function curl(args: string[], ctx: ExecContext, io: ExecIO): number {
  let silent = false;
  let showError = false;
  let fail = false;
  let include = false;
  let head = false;
  let verbose = false;
  let method: string | undefined;
  let data: string | undefined;
  let contentType: string | undefined;
  let output: string | undefined;
  let writeOut: string | undefined;
  let url: string | undefined;
  let meter = true;
  const takesValue = new Set(['-X', '--request', '-d', '--data', '--data-raw', '--data-binary', '-H', '--header', '-o', '--output', '-w', '--write-out', '-m', '--max-time', '--connect-timeout', '-A', '--user-agent', '-u', '--user', '-e', '--referer']);
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    let value: string | undefined;
    if (a.startsWith('--') && a.includes('=')) [a, value] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    else if (/^-[a-zA-Z]{2,}$/.test(a) && !takesValue.has(a.slice(0, 2))) {
      // Clustered flags: -sS, -fsSL, -sSo FILE (a value-taking letter last).
      const letters = a.slice(1).split('');
      args.splice(i, 1, ...letters.map((l) => `-${l}`));
      a = args[i]!;
    } else if (/^-[a-zA-Z]./.test(a) && takesValue.has(a.slice(0, 2))) [a, value] = [a.slice(0, 2), a.slice(2)];
    if (takesValue.has(a)) {
      value ??= args[++i];
      if (value === undefined) {
        io.stderr(`curl: option ${a}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
        return 2;
      }
    }
    if (a === '-s' || a === '--silent') silent = true;
    else if (a === '-S' || a === '--show-error') showError = true;
    else if (a === '-f' || a === '--fail') fail = true;
    else if (a === '-i' || a === '--include') include = true;
    else if (a === '-I' || a === '--head') head = true;
    else if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '-X' || a === '--request') method = value;
    else if (a === '-d' || a === '--data' || a === '--data-raw' || a === '--data-binary') data = data === undefined ? value : `${data}&${value}`;
    else if (a === '-H' || a === '--header') {
      const m = /^content-type:\s*(.*)$/i.exec(value!);
      if (m) contentType = m[1];
    } else if (a === '-o' || a === '--output') output = value;
    else if (a === '-w' || a === '--write-out') writeOut = value;
    else if (a === '--no-progress-meter') meter = false;
    else if (takesValue.has(a) || ['-L', '--location', '-k', '--insecure', '-4', '--compressed', '-N', '--no-buffer'].includes(a)) continue;
    else if (a.startsWith('-') && a !== '-') {
      io.stderr(`curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
      return 2;
    } else url = a;
  }
  const errorOut = (code: number, message: string) => {
    if (!silent || showError) io.stderr(`curl: (${code}) ${message}\n`);
    return code;
  };
  if (url === undefined) {
    io.stderr("curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const verb = method ?? (head ? 'HEAD' : data !== undefined ? 'POST' : 'GET');
  const sent = send(ctx, verb, url, data !== undefined ? { contentType: contentType ?? 'application/x-www-form-urlencoded', data } : undefined);
  if ('thrown' in sent) return errorOut(/protocol/i.test(sent.thrown) ? 1 : 3, /protocol/i.test(sent.thrown) ? `Protocol "${url.split(':')[0]}" not supported` : 'URL rejected: Malformed input to a URL function');
  const { host, port, pathname } = urlParts(url);
  if (verbose) {
    if (sent.address) io.stderr(`*   Trying ${sent.address}:${port}...\n`);
    if (sent.error === undefined) io.stderr(`* Connected to ${host} (${sent.address ?? host}) port ${port}\n> ${verb} ${pathname} HTTP/1.1\n> Host: ${port === 80 ? host : `${host}:${port}`}\n> User-Agent: curl/8.11.1\n> Accept: */*\n>\n`);
  }
  if (sent.error !== undefined) {
    const f = connectFailure(sent.error);
    if (f.kind === 'resolve') return errorOut(6, `Could not resolve host: ${host}`);
    if (f.kind === 'refused' || f.kind === 'unreachable') return errorOut(7, `Failed to connect to ${host} port ${port} after ${f.kind === 'refused' ? 0 : 3067} ms: Couldn't connect to server`);
    if (f.kind === 'timeout') return errorOut(28, `Failed to connect to ${host} port ${port} after 134213 ms: Timeout was reached`);
    return errorOut(52, 'Empty reply from server');
  }
  const status = sent.status ?? 0;
  const headerText = `HTTP/1.1 ${status} ${sent.reason ?? ''}\r\n${Object.entries(sent.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  if (verbose) io.stderr(`${headerText.split('\r\n').filter(Boolean).map((l) => `< ${l}\n`).join('')}<\n`);
  if (fail && status >= 400) return errorOut(22, `The requested URL returned error: ${status}`);
  const printed = (include || head ? headerText : '') + (head ? '' : sent.body);
  // Its output not a terminal, curl shows its progress meter on stderr unless told not to.
  if (meter && !silent && !verbose) {
    const size = String(Buffer.byteLength(printed)).padStart(5);
    io.stderr(`  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n100 ${size}  100 ${size}    0     0   600k      0 --:--:-- --:--:-- --:--:--  600k\n`);
  }
  if (output !== undefined && output !== '-') {
    const why = writeFile(ctx, absolute(output), printed);
    if (why) return errorOut(23, `Failure writing output to destination, passed ${printed.length} returned 0`);
  } else io.stdout(printed);
  if (writeOut !== undefined) {
    const values: Record<string, string> = { http_code: String(status).padStart(3, '0'), response_code: String(status), size_download: String(Buffer.byteLength(head ? '' : sent.body)), remote_ip: sent.address ?? '', url_effective: url, method: verb, content_type: sent.headers['Content-Type'] ?? '' };
    io.stdout(writeOut.replace(/%\{(\w+)\}/g, (m, name: string) => values[name] ?? m).replace(/\\n/g, '\n'));
  }
  return 0;
}

const wgetUsage = 'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n';

/**
 * busybox wget: `-q`, `-O FILE` (`-O -` to stdout; else the URL's file name, `index.html` for a
 * path ending in /), `-S` (the response headers), `-T`, `--spider`, `-U` and `--post-data`; its
 * progress lines and errors in busybox's words.
 */
function wget(args: string[], ctx: ExecContext, io: ExecIO): number {
  let quiet = false;
  let output: string | undefined;
  let spider = false;
  let serverResponse = false;
  let postData: string | undefined;
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (/^-[a-zA-Z]{2,}/.test(a) && !a.startsWith('--')) {
      // -qO- and -qO FILE: letters, the last perhaps taking the rest of the word or the next.
      const letters = a.slice(1);
      const o = letters.indexOf('O');
      if (letters.slice(0, o < 0 ? undefined : o).includes('q')) quiet = true;
      if (letters.includes('S')) serverResponse = true;
      if (o >= 0) {
        output = letters.slice(o + 1) || args[++i];
        continue;
      }
      if (/^[qS]+$/.test(letters)) continue;
      a = `-${letters[letters.length - 1]}`;
    }
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-O' || a === '--output-document') output = args[++i];
    else if (a.startsWith('-O')) output = a.slice(2);
    else if (a.startsWith('--output-document=')) output = a.slice('--output-document='.length);
    else if (a === '-S' || a === '--server-response') serverResponse = true;
    else if (a === '--spider') spider = true;
    else if (a === '-T' || a === '-U' || a === '--timeout' || a === '--user-agent' || a === '--header') i++;
    else if (a.startsWith('--post-data=')) postData = a.slice('--post-data='.length);
    else if (a.startsWith('-')) {
      io.stderr(`wget: unrecognized option '${a.replace(/^-+/, '')}'\n${wgetUsage}`);
      return 1;
    } else url = a;
  }
  if (url === undefined) {
    io.stderr(wgetUsage);
    return 1;
  }
  const sent = send(ctx, spider ? 'HEAD' : postData !== undefined ? 'POST' : 'GET', url, postData !== undefined ? { contentType: 'application/x-www-form-urlencoded', data: postData } : undefined);
  if ('thrown' in sent) {
    io.stderr(`wget: not an http or ftp url: ${url}\n`);
    return 1;
  }
  const { host, port, pathname } = urlParts(url);
  const file = pathname.split('/').pop() || 'index.html';
  if (sent.error !== undefined) {
    const f = connectFailure(sent.error);
    if (f.kind === 'resolve') io.stderr(`wget: bad address '${host}'\n`);
    else if (f.kind === 'refused') io.stderr(`wget: can't connect to remote host (${f.ip ?? sent.address ?? host}): Connection refused\n`);
    else if (f.kind === 'unreachable') io.stderr(`wget: can't connect to remote host (${f.ip ?? sent.address ?? host}): No route to host\n`);
    else if (f.kind === 'timeout') io.stderr('wget: download timed out\n');
    else io.stderr('wget: error getting response\n');
    return 1;
  }
  if (!quiet) io.stderr(`Connecting to ${host}${port === 80 ? '' : `:${port}`} (${sent.address ?? host}:${port})\n`);
  const status = sent.status ?? 0;
  if (serverResponse) io.stderr(`  HTTP/1.1 ${status} ${sent.reason ?? ''}\n${Object.entries(sent.headers).map(([k, v]) => `  ${k}: ${v}\n`).join('')}`);
  if (status >= 400) {
    io.stderr(`wget: server returned error: HTTP/1.1 ${status} ${sent.reason ?? ''}\n`);
    return 1;
  }
  if (spider) {
    if (!quiet) io.stderr('remote file exists\n');
    return 0;
  }
  const size = Buffer.byteLength(sent.body);
  const bar = (name: string) => `${name.padEnd(20).slice(0, 20)} 100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA\n`;
  const target = output ?? file;
  if (target === '-') {
    if (!quiet) io.stderr(`writing to stdout\n${bar('-')}written to stdout\n`);
    io.stdout(sent.body);
    return 0;
  }
  const why = writeFile(ctx, absolute(target), sent.body);
  if (why) {
    io.stderr(`wget: can't open '${target}': ${why}\n`);
    return 1;
  }
  if (!quiet) io.stderr(`saving to '${target}'\n${bar(target)}'${target}' saved\n`);
  return 0;
}

/** test(1): file tests, string tests and comparisons, `!`; 0 true, 1 false, 2 a malformed expression. */
function test(args: string[], ctx: ExecContext, io: ExecIO, name: string): number {
  const negate = args[0] === '!' && args.length > 1;
  const expr = negate ? args.slice(1) : args;
  const file = (path: string) => ctx.files.get(absolute(path));
  let result: boolean;
  if (expr.length === 0) result = false;
  else if (expr.length === 1) result = expr[0] !== '';
  else if (expr.length === 2 && /^-[defsnz]$/.test(expr[0]!)) {
    const [op, operand] = expr as [string, string];
    if (op === '-n') result = operand !== '';
    else if (op === '-z') result = operand === '';
    else if (op === '-d') result = isDirectory(ctx, absolute(operand));
    else if (op === '-f') result = file(operand) !== undefined;
    else if (op === '-s') result = !!file(operand);
    else result = file(operand) !== undefined || isDirectory(ctx, absolute(operand));
  } else if (expr.length === 3 && (expr[1] === '=' || expr[1] === '!=' || expr[1] === '==')) result = (expr[0] === expr[2]) === (expr[1] !== '!=');
  else if (expr.length === 3 && /^-(eq|ne|lt|le|gt|ge)$/.test(expr[1]!)) {
    const [a, b] = [expr[0]!, expr[2]!];
    const bad = [a, b].find((v) => !/^\s*-?\d+\s*$/.test(v));
    if (bad !== undefined) {
      io.stderr(ctx.flavor === 'busybox' ? `${name}: invalid number '${bad}'\n` : `sh: 1: ${name}: Illegal number: ${bad}\n`);
      return 2;
    }
    const [x, y] = [Number(a), Number(b)];
    result = { '-eq': x === y, '-ne': x !== y, '-lt': x < y, '-le': x <= y, '-gt': x > y, '-ge': x >= y }[expr[1] as '-eq'];
  }
  else {
    io.stderr(ctx.flavor === 'busybox' ? `${name}: syntax error\n` : `sh: 1: ${name}: ${expr[1] ?? expr[0]}: unexpected operator\n`);
    return 2;
  }
  return result !== negate ? 0 : 1;
}

/**
 * tar: create (`c`), extract (`x`) and list (`t`) an archive on stdin or stdout (`f -`), with `-C
 * DIR`, `v`, `z`, and the options that change nothing here (`m`, `p`, `o`, `--no-same-owner`,
 * `--no-same-permissions`). Options come as GNU tar takes them: a first word of letters without a
 * dash (`tar cf - dir`), dashed clusters (`-xmf -`) and long options.
 */
async function tar(args: string[], ctx: ExecContext, io: ExecIO): Promise<number> {
  const gnu = ctx.flavor === 'coreutils';
  let mode: 'c' | 'x' | 't' | undefined;
  let archive: string | undefined;
  let dir = '/';
  let verbose = false;
  let gzip = false;
  const operands: string[] = [];
  const usage = (message: string) => {
    io.stderr(gnu ? `tar: ${message}\nTry 'tar --help' or 'tar --usage' for more information.\n` : `tar: ${message}\n`);
    return 2;
  };
  const words = [...args];
  // The first word may be letters without a dash, as tar has always taken them.
  if (words[0] && !words[0].startsWith('-')) words[0] = `-${words[0]}`;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--no-same-owner' || w === '--no-same-permissions' || w === '--touch' || w === '--preserve-permissions') continue;
    if (w.startsWith('--directory=')) dir = absolute(w.slice('--directory='.length));
    else if (w.startsWith('--file=')) archive = w.slice('--file='.length);
    else if (w === '--create' || w === '--extract' || w === '--list') mode = w === '--create' ? 'c' : w === '--extract' ? 'x' : 't';
    else if (w === '--verbose') verbose = true;
    else if (w === '--gzip') gzip = true;
    else if (w.startsWith('--')) return usage(`unrecognized option '${w}'`);
    else if (w.startsWith('-') && w.length > 1) {
      for (let j = 1; j < w.length; j++) {
        const letter = w[j]!;
        if (letter === 'c' || letter === 'x' || letter === 't') {
          if (mode && mode !== letter) return usage(gnu ? "You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option" : 'multiple archive operations');
          mode = letter;
        } else if (letter === 'v') verbose = true;
        else if (letter === 'z') gzip = true;
        else if (letter === 'm' || letter === 'p' || letter === 'o') continue;
        else if (letter === 'f' || letter === 'C') {
          // The value is the rest of the word, else the next word.
          const value = j + 1 < w.length ? w.slice(j + 1) : words[++i];
          if (value === undefined) return usage(`option requires an argument -- '${letter}'`);
          if (letter === 'f') archive = value;
          else dir = absolute(dir === '/' || value.startsWith('/') ? value : `${dir}/${value}`);
          break;
        } else return usage(`invalid option -- '${letter}'`);
      }
    } else operands.push(w);
  }
  if (!mode) return usage(gnu ? "You must specify one of the '-Acdtrux', '--delete' or '--test-label' options" : 'need an operation');
  if (archive !== undefined && archive !== '-') {
    io.stderr(gnu ? `tar: ${archive}: Cannot open: archives are read and written on stdin and stdout here (f -)\ntar: Error is not recoverable: exiting now\n` : `tar: can't open '${archive}'\n`);
    return 2;
  }
  const failed = () => {
    if (gnu) io.stderr('tar: Exiting with failure status due to previous errors\n');
    return gnu ? 2 : 1;
  };
  if (!isDirectory(ctx, dir)) {
    io.stderr(gnu ? `tar: ${dir}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n` : `tar: can't change directory to '${dir}': No such file or directory\n`);
    return 2;
  }

  if (mode === 'c') {
    if (!operands.length) {
      io.stderr(gnu ? 'tar: Cowardly refusing to create an empty archive\nTry \'tar --help\' or \'tar --usage\' for more information.\n' : 'tar: empty archive\n');
      return 2;
    }
    const entries: TarEntry[] = [];
    const mtime = Math.floor((ctx.now ?? 0) / 1000);
    let errors = false;
    let warned = false;
    // Verbose names go to stdout, unless the archive does.
    const listed = (name: string) => verbose && io.stderr(`${name}\n`);
    for (const operand of operands) {
      const path = absolute(operand.startsWith('/') ? operand : `${dir}/${operand}`);
      let member = operand.replace(/^\/+/, '');
      if (member !== operand && !warned) {
        warned = true;
        io.stderr(gnu ? "tar: Removing leading `/' from member names\n" : "tar: removing leading '/' from member names\n");
      }
      member = member.replace(/\/+$/, '') || '.';
      const contents = ctx.files.get(path);
      if (contents !== undefined) {
        entries.push({ name: member, type: '0', data: Buffer.from(contents), mtime, mode: 0o644 });
        listed(member);
      } else if (isDirectory(ctx, path)) {
        for (const [rel, type] of tree(ctx, path)) {
          const name = rel ? `${member}/${rel}` : member;
          entries.push(type === '5' ? { name: `${name}/`, type, data: Buffer.alloc(0), mtime, mode: 0o755 } : { name, type, data: Buffer.from(ctx.files.get(`${path === '/' ? '' : path}/${rel}`)!), mtime, mode: 0o644 });
          listed(type === '5' ? `${name}/` : name);
        }
      } else {
        errors = true;
        io.stderr(gnu ? `tar: ${operand}: Cannot stat: No such file or directory\n` : `tar: ${operand}: No such file or directory\n`);
      }
    }
    const out = writeTar(entries);
    io.stdout(gzip ? gzipSync(out) : out);
    return errors ? failed() : 0;
  }

  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin ?? []) chunks.push(chunk);
  let entries: TarEntry[];
  try {
    const input = Buffer.concat(chunks);
    entries = readTar(gzip ? gunzipSync(input) : input);
  } catch (err) {
    const why = err instanceof TarFormatError ? err.message : gzip ? 'Child returned status 1' : String(err);
    io.stderr(gnu ? `tar: ${why}\ntar: Exiting with failure status due to previous errors\n` : `tar: invalid tar magic\n`);
    return 2;
  }
  if (mode === 't') {
    io.stdout(entries.map((e) => `${e.name}\n`).join(''));
    return 0;
  }
  let errors = false;
  for (const e of entries) {
    const name = e.name.replace(/^\/+/, '');
    if (verbose) io.stdout(`${e.name}\n`);
    const path = absolute(`${dir}/${name}`);
    // A directory entry keeps an empty directory (a marker); one with something in it is there already.
    if (e.type === '5') {
      if (!isDirectory(ctx, path) && !parentIsFile(ctx, path) && !ctx.files.has(path)) ctx.write?.(`${path}/`, '');
      continue;
    }
    if (e.type !== '0' && e.type !== '\0' && e.type !== '7') continue;
    // Directories are there as long as something is in them; a file in the way of one is not.
    let why: string | undefined;
    if (isDirectory(ctx, path)) why = 'Is a directory';
    else if (parentIsFile(ctx, path)) why = 'Not a directory';
    else why = writeFile(ctx, path, e.data.toString('utf8'));
    if (why) {
      errors = true;
      io.stderr(gnu ? `tar: ${name}: Cannot open: ${why}\n` : `tar: can't open '${name}': ${why}\n`);
    }
  }
  return errors ? failed() : 0;
}

/** Everything under a directory, parents before children, in name order: relative paths with '5' (a directory) or '0' (a file); the directory itself first, as ''. */
function tree(ctx: ExecContext, dir: string): [string, '0' | '5'][] {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const out: [string, '0' | '5'][] = [['', '5']];
  const dirs = new Set<string>();
  for (const path of [...ctx.files.keys()].filter((p) => p.startsWith(prefix)).sort()) {
    const rel = path.slice(prefix.length);
    if (!rel) continue;
    // A directory's marker (`path/`) stands for the directory, empty or not.
    const marker = rel.endsWith('/');
    const parts = (marker ? rel.slice(0, -1) : rel).split('/');
    if (marker) parts.push('');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        out.push([d, '5']);
      }
    }
    if (!marker) out.push([rel, '0']);
  }
  return out;
}

function parentIsFile(ctx: ExecContext, path: string): boolean {
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) if (ctx.files.has(path.slice(0, i))) return true;
  return false;
}

/** Runs `argv` in the container; throws ExecutableNotFound when its program is not there. */
export async function runCommand(argv: readonly string[], ctx: ExecContext, io: ExecIO): Promise<number> {
  const [cmd = '', ...args] = argv;
  const name = cmd.replace(/^(\/usr)?\/s?bin\//, '');
  if (shells.has(name)) {
    if (args[0] === '-c') return args[1] === undefined ? shellMissingArgument(ctx, io) : runScript(args[1], ctx, io);
    if (args.length) return runScript(args.map(quote).join(' '), ctx, io);
    // An interactive shell (`kubectl exec -i … -- sh`): each line of stdin is a command line. On a
    // terminal it prompts for each, as its root user's prompt reads.
    const prompt = io.tty ? shellPrompt(name, ctx) : undefined;
    if (prompt) io.stdout(prompt);
    let code = 0;
    let pending = '';
    const vars: Record<string, string> = {};
    for await (const chunk of io.stdin ?? []) {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const r = await runLine(line, code, ctx, io, vars);
        code = r.code;
        if (r.exit) return code;
      }
      if (prompt && !pending) io.stdout(prompt);
    }
    return pending.trim() ? (await runLine(pending, code, ctx, io, vars)).code : code;
  }
  const program = programs[name];
  if (!program || (imageTools.has(name) && !ctx.tools?.has(name))) throw new ExecutableNotFound(cmd);
  return program(args, ctx, io);
}

/**
 * The prompt of an interactive shell run as root in `/`: busybox ash's default `\w \$ `, dash's
 * `# `, and bash's as Debian's bash.bashrc sets it, `\u@\h:\w\$ `.
 */
function shellPrompt(shell: string, ctx: ExecContext): string {
  if (ctx.flavor === 'busybox') return '/ # ';
  if (shell === 'bash') return `root@${(ctx.files.get('/etc/hostname') ?? ctx.env.HOSTNAME ?? '').trim()}:/# `;
  return '# ';
}

function shellMissingArgument(ctx: ExecContext, io: ExecIO): number {
  io.stderr(ctx.flavor === 'busybox' ? 'sh: -c requires an argument\n' : 'sh: 0: -c requires an argument\n');
  return 2;
}

async function runScript(script: string, ctx: ExecContext, io: ExecIO): Promise<number> {
  return (await runLine(script, 0, ctx, io)).code;
}

/**
 * A script, or one line of an interactive shell: its commands parsed into pipelines, loops
 * (`while`/`until … do … done`, `for NAME in …`) and `if … then … elif … else … fi`, joined by
 * `;`, newlines, `&&` and `||`, then run, each simple command expanded as it is reached. A script
 * that does not parse is the shell's syntax error, status 2.
 */
async function runLine(script: string, status: number, ctx: ExecContext, io: ExecIO, vars: Record<string, string> = {}): Promise<{ code: number; exit: boolean }> {
  let items: Item[];
  try {
    items = parseScript(script);
  } catch (err) {
    if (!(err instanceof ShellSyntaxError)) throw err;
    io.stderr(ctx.flavor === 'busybox' ? `sh: syntax error: ${err.message}\n` : `sh: 1: Syntax error: ${err.message}\n`);
    return { code: 2, exit: false };
  }
  const state: ShellState = { code: status, vars };
  try {
    await runItems(items, state, ctx, io);
    return { code: state.code, exit: false };
  } catch (err) {
    if (err instanceof ShellExit) return { code: err.code, exit: true };
    throw err;
  }
}

/** A running shell's last status and its variables (`i=0`, a `for` loop's). */
interface ShellState {
  code: number;
  vars: Record<string, string>;
}

const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** What expansions read: the environment, then the shell's own variables over it. */
const expansionEnv = (ctx: ExecContext, state: ShellState) => (Object.keys(state.vars).length ? { ...ctx.env, ...state.vars } : ctx.env);

class ShellSyntaxError extends Error {}
class ShellExit {
  constructor(readonly code: number) {}
}

/** What a script is made of: pipelines (their commands' text, unexpanded), loops and conditionals. */
type ShellNode =
  | { kind: 'pipeline'; texts: string[] }
  | { kind: 'loop'; until: boolean; cond: Item[]; body: Item[] }
  | { kind: 'for'; name: string; words: string; body: Item[] }
  | { kind: 'if'; branches: { cond: Item[]; body: Item[] }[]; otherwise?: Item[] };

interface Item {
  node: ShellNode;
  /** The operator after it: `;`, `&&`, `||` (a newline is `;`). */
  next?: string;
}

/** The text between operators, unexpanded, with the operator after it (a newline is `;`). */
function segments(script: string): { text: string; next?: string }[] {
  const out: { text: string; next?: string }[] = [];
  let text = '';
  let depth = 0;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      const end = close < 0 ? script.length : close + 1;
      text += script.slice(i, end);
      i = end - 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < script.length && script[j] !== '"') j += script[j] === '\\' ? 2 : 1;
      text += script.slice(i, j + 1);
      i = j;
    } else if (c === '\\') {
      text += script.slice(i, i + 2);
      i++;
    } else if (c === '$' && script[i + 1] === '(') {
      depth++;
      text += '$(';
      i++;
    } else if (c === ')' && depth > 0) {
      depth--;
      text += c;
    } else if (depth === 0 && c === '#' && (text === '' || /\s$/.test(text))) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
    } else if (depth === 0 && (c === ';' || c === '\n' || script.startsWith('&&', i) || script.startsWith('||', i) || (c === '|' && script[i + 1] !== '|'))) {
      const op = c === '\n' ? ';' : c === ';' || c === '|' ? c : script.slice(i, i + 2);
      if (op.length === 2) i++;
      out.push({ text, next: op });
      text = '';
    } else text += c;
  }
  out.push({ text });
  return out;
}

const keyword = /^(while|until|if|elif|then|else|fi|do|done|for)(?=\s|$)\s*/;

function parseScript(script: string): Item[] {
  const segs = segments(script);
  const { items, at } = parseItems(segs, 0, new Set());
  if (at < segs.length) throw new ShellSyntaxError(`"${keyword.exec(segs[at]!.text.trim())?.[1] ?? segs[at]!.text.trim()}" unexpected`);
  return items;
}

/** Items up to a segment starting with one of `stop` (not consumed), or the end. */
function parseItems(segs: { text: string; next?: string }[], at: number, stop: ReadonlySet<string>): { items: Item[]; at: number } {
  const items: Item[] = [];
  const expect = (word: string, after: string) => {
    const t = segs[at]?.text.trim() ?? '';
    const m = keyword.exec(t);
    if (!m || m[1] !== word) throw new ShellSyntaxError(at >= segs.length ? `end of file unexpected (expecting "${word}")` : `"${t.split(/\s+/)[0]}" unexpected (expecting "${word}")`);
    // What follows the keyword on its segment is the first command after it.
    segs[at] = { ...segs[at]!, text: t.slice(m[0].length) };
    return after;
  };
  while (at < segs.length) {
    const seg = segs[at]!;
    const t = seg.text.trim();
    const k = keyword.exec(t)?.[1];
    if (k && stop.has(k)) return { items, at };
    if (!t) {
      at++;
      continue;
    }
    if (k === 'while' || k === 'until') {
      segs[at] = { ...seg, text: t.slice(keyword.exec(t)![0].length) };
      const cond = parseItems(segs, at, new Set(['do']));
      at = cond.at;
      expect('do', 'loop');
      const body = parseItems(segs, at, new Set(['done']));
      at = body.at;
      expect('done', 'loop');
      items.push({ node: { kind: 'loop', until: k === 'until', cond: cond.items, body: body.items }, ...nextOf(segs, at) });
      at = closeKeyword(segs, at);
    } else if (k === 'for') {
      const m = /^for\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+in(?:\s+(.*))?)?$/.exec(t);
      if (!m) throw new ShellSyntaxError(`Bad for loop variable`);
      at++;
      expect('do', 'for');
      const body = parseItems(segs, at, new Set(['done']));
      at = body.at;
      expect('done', 'for');
      items.push({ node: { kind: 'for', name: m[1]!, words: m[2] ?? '', body: body.items }, ...nextOf(segs, at) });
      at = closeKeyword(segs, at);
    } else if (k === 'if') {
      const branches: { cond: Item[]; body: Item[] }[] = [];
      let otherwise: Item[] | undefined;
      segs[at] = { ...seg, text: t.slice(keyword.exec(t)![0].length) };
      for (;;) {
        const cond = parseItems(segs, at, new Set(['then']));
        at = cond.at;
        expect('then', 'if');
        const body = parseItems(segs, at, new Set(['elif', 'else', 'fi']));
        at = body.at;
        branches.push({ cond: cond.items, body: body.items });
        const word = keyword.exec(segs[at]?.text.trim() ?? '')?.[1];
        if (word === 'elif') {
          expect('elif', 'if');
          continue;
        }
        if (word === 'else') {
          expect('else', 'if');
          const rest = parseItems(segs, at, new Set(['fi']));
          at = rest.at;
          otherwise = rest.items;
        }
        expect('fi', 'if');
        break;
      }
      items.push({ node: { kind: 'if', branches, ...(otherwise ? { otherwise } : {}) }, ...nextOf(segs, at) });
      at = closeKeyword(segs, at);
    } else if (k) {
      throw new ShellSyntaxError(`"${k}" unexpected`);
    } else {
      const texts = [t];
      while (segs[at]!.next === '|' && at + 1 < segs.length) texts.push(segs[++at]!.text.trim());
      items.push({ node: { kind: 'pipeline', texts }, ...nextOf(segs, at) });
      at++;
    }
  }
  if (stop.size) {
    const [word] = [...stop];
    throw new ShellSyntaxError(`end of file unexpected (expecting "${word}")`);
  }
  return { items, at };
}

function nextOf(segs: { text: string; next?: string }[], at: number): { next?: string } {
  const next = segs[at]?.next;
  return next && next !== '|' ? { next } : {};
}

/** After `done` or `fi`: nothing may follow on its segment (a redirection of the whole loop is not simulated). */
function closeKeyword(segs: { text: string; next?: string }[], at: number): number {
  const rest = segs[at]!.text.trim();
  if (rest) throw new ShellSyntaxError(`"${rest.split(/\s+/)[0]}" unexpected`);
  return at + 1;
}

/** Runs items in order, `&&` and `||` deciding whether the next runs; `state.code` is the last status. */
async function runItems(items: Item[], state: ShellState, ctx: ExecContext, io: ExecIO): Promise<void> {
  let skip = false;
  for (const { node, next } of items) {
    if (!skip) await runNode(node, state, ctx, io);
    skip = next === '&&' ? state.code !== 0 : next === '||' ? state.code === 0 : false;
  }
}

async function runNode(node: ShellNode, state: ShellState, ctx: ExecContext, io: ExecIO): Promise<void> {
  switch (node.kind) {
    case 'pipeline': {
      const commands: SimpleCommand[] = [];
      for (const text of node.texts) {
        const expanded = await substitute(text, state, ctx, io);
        commands.push(...parseLine(expanded, () => state.code, expansionEnv(ctx, state)));
      }
      const [cmd, ...args] = commands[0]?.words ?? [];
      // `exit` ends the shell; in a pipeline it would end only the subshell that runs it.
      if (commands.length === 1 && cmd === 'exit') throw new ShellExit(args[0] === undefined ? state.code : Number(args[0]) & 255);
      // `NAME=value` alone sets a shell variable; before a command, it is in that command's environment.
      if (commands.length === 1 && commands[0]!.words.length && commands[0]!.words.every((w) => assignment.test(w))) {
        for (const w of commands[0]!.words) state.vars[assignment.exec(w)![1]!] = w.slice(w.indexOf('=') + 1);
        state.code = 0;
        return;
      }
      let runIn = ctx;
      for (const c of commands) {
        const lead = c.words.findIndex((w) => !assignment.test(w));
        if (lead <= 0) continue;
        const env = { ...ctx.env, ...Object.fromEntries(c.words.slice(0, lead).map((w) => [assignment.exec(w)![1]!, w.slice(w.indexOf('=') + 1)])) };
        c.words = c.words.slice(lead);
        runIn = Object.assign(Object.create(ctx) as ExecContext, { env });
      }
      state.code = await runPipeline(commands, runIn, io);
      return;
    }
    case 'loop': {
      let status = 0;
      for (;;) {
        await runItems(node.cond, state, ctx, io);
        if ((state.code === 0) === node.until) break;
        await runItems(node.body, state, ctx, io);
        status = state.code;
        // Each round takes a moment of the clock, so a loop that never sleeps still lets time (and the cluster) go on.
        await ctx.sleep?.(1);
      }
      state.code = status;
      return;
    }
    case 'for': {
      const words = node.words ? [...parseLine(await substitute(node.words, state, ctx, io), () => state.code, expansionEnv(ctx, state))].flatMap((c) => c.words) : [];
      state.code = 0;
      for (const word of words) {
        state.vars[node.name] = word;
        await runItems(node.body, state, ctx, io);
        await ctx.sleep?.(1);
      }
      return;
    }
    case 'if': {
      for (const branch of node.branches) {
        await runItems(branch.cond, state, ctx, io);
        if (state.code === 0) return runItems(branch.body, state, ctx, io);
      }
      if (node.otherwise) await runItems(node.otherwise, state, ctx, io);
      else state.code = 0;
      return;
    }
  }
}

/** An integer expression of + - * / % and parentheses (variables already replaced); undefined when malformed or dividing by zero. */
function arithmetic(expr: string): number | undefined {
  const tokens = expr.match(/\d+|[-+*/%()]|\S/g) ?? [];
  let at = 0;
  const primary = (): number | undefined => {
    const t = tokens[at++];
    if (t === undefined) return undefined;
    if (/^\d+$/.test(t)) return Number(t);
    if (t === '-' || t === '+') {
      const v = primary();
      return v === undefined ? undefined : t === '-' ? -v : v;
    }
    if (t === '(') {
      const v = sum();
      return tokens[at++] === ')' ? v : undefined;
    }
    return undefined;
  };
  const product = (): number | undefined => {
    let v = primary();
    while (v !== undefined && (tokens[at] === '*' || tokens[at] === '/' || tokens[at] === '%')) {
      const op = tokens[at++];
      const r = primary();
      if (r === undefined || (op !== '*' && r === 0)) return undefined;
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (): number | undefined => {
    let v = product();
    while (v !== undefined && (tokens[at] === '+' || tokens[at] === '-')) {
      const op = tokens[at++];
      const r = product();
      if (r === undefined) return undefined;
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return at === tokens.length ? v : undefined;
}

/**
 * Command substitution: each `$(…)` outside single quotes replaced by what its script prints,
 * trailing newlines dropped; escaped so that it stays text, and is split into words outside double quotes.
 */
async function substitute(text: string, state: ShellState, ctx: ExecContext, io: ExecIO): Promise<string> {
  if (!text.includes('$(')) return text;
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" && !quoted) {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close + 1;
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '\\') {
      out += text.slice(i, i + 2);
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      out += c;
    } else if (text.startsWith('$((', i)) {
      // Arithmetic: integers, variables, + - * / % and parentheses.
      let depth = 2;
      let j = i + 3;
      for (; j < text.length && depth > 0; j++) depth += text[j] === '(' ? 1 : text[j] === ')' ? -1 : 0;
      const expr = text.slice(i + 3, Math.max(i + 3, j - 2));
      const env = expansionEnv(ctx, state);
      const value = arithmetic(expr.replace(/\$?([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => String(parseInt(env[name] ?? '0', 10) || 0)));
      if (value === undefined) {
        io.stderr(ctx.flavor === 'busybox' ? `sh: arithmetic syntax error\n` : `sh: 1: arithmetic expression: expecting primary: "${expr}"\n`);
        state.code = 2;
      }
      out += String(value ?? 0);
      i = j - 1;
    } else if (c === '$' && text[i + 1] === '(') {
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth; j++) depth += text[j] === '(' ? 1 : text[j] === ')' ? -1 : 0;
      const inner = text.slice(i + 2, j - 1);
      let printed = '';
      const r = await runLine(inner, state.code, ctx, { ...io, stdout: (d) => void (printed += d.toString()) });
      state.code = r.code;
      printed = printed.replace(/\n+$/, '');
      // Unquoted, it is split into words at blanks and newlines alike.
      out += quoted ? printed.replace(/["\\$`]/g, '\\$&') : printed.replace(/[\\'"$`;&|<>()#]/g, '\\$&').replace(/\s+/g, ' ');
      i = j - 1;
    } else out += c;
  }
  return out;
}

/** Chunks of output, as text. */
const joined = (chunks: (string | Buffer)[]) => Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString('utf8');
const once = (data: string): AsyncIterable<Buffer> =>
  (async function* () {
    if (data) yield Buffer.from(data);
  })();

/**
 * Commands joined by `|`: each reads what the one before it wrote (the first, the shell's stdin)
 * and the last writes to the shell's stdout; each command's redirections apply to it. The exit
 * status is the last command's.
 */
async function runPipeline(pipeline: SimpleCommand[], ctx: ExecContext, io: ExecIO): Promise<number> {
  let code = 0;
  let piped: string | undefined;
  for (let k = 0; k < pipeline.length; k++) {
    const { words, redirects } = pipeline[k]!;
    const captured: (string | Buffer)[] = [];
    const last = k === pipeline.length - 1;
    let stdout: ExecIO['stdout'] = last ? io.stdout : (d) => captured.push(d);
    let stderr: ExecIO['stderr'] = io.stderr;
    let stdin = piped === undefined ? io.stdin : once(piped);
    const files: { path: string; prefix: string; chunks: (string | Buffer)[] }[] = [];
    let failed = false;
    for (const r of redirects) {
      if (r.op === '>&') {
        if (r.fd === 2 && r.target === '1') stderr = stdout;
        else if (r.fd === 1 && r.target === '2') stdout = stderr;
        continue;
      }
      const path = absolute(r.target);
      if (r.op === '<') {
        const contents = ctx.files.get(path);
        if (contents === undefined) {
          io.stderr(ctx.flavor === 'busybox' ? `sh: can't open '${r.target}': No such file or directory\n` : `sh: 1: cannot open ${r.target}: No such file\n`);
          failed = true;
          break;
        }
        stdin = once(contents);
        continue;
      }
      // The file is created (or emptied) before the command runs, as the shell opens it first.
      const prefix = r.op === '>>' ? (ctx.files.get(path) ?? '') : '';
      const why = isDirectory(ctx, path) ? 'Is a directory' : writeFile(ctx, path, prefix);
      if (why) {
        io.stderr(ctx.flavor === 'busybox' ? `sh: can't create ${r.target}: ${why}\n` : `sh: 1: cannot create ${r.target}: ${why}\n`);
        failed = true;
        break;
      }
      const sink = { path, prefix, chunks: [] as (string | Buffer)[] };
      files.push(sink);
      const write = (d: string | Buffer) => void sink.chunks.push(d);
      if (r.fd === 1 || r.fd === 3) stdout = write;
      if (r.fd === 2 || r.fd === 3) stderr = write;
    }
    if (failed) code = ctx.flavor === 'busybox' ? 1 : 2;
    else code = words.length ? await runSimple(words, ctx, { stdout, stderr, ...(stdin ? { stdin } : {}), ...(io.tty ? { tty: io.tty } : {}) }) : 0;
    for (const f of files) if (f.path !== '/dev/null') ctx.write?.(f.path, f.prefix + joined(f.chunks));
    piped = joined(captured);
  }
  return code;
}

/** One command: a program, or the shell's not-found (127) when the image has none by that name. */
async function runSimple(words: string[], ctx: ExecContext, io: ExecIO): Promise<number> {
  try {
    return await runCommand(words, ctx, io);
  } catch (err) {
    if (!(err instanceof ExecutableNotFound)) throw err;
    io.stderr(ctx.flavor === 'busybox' ? `sh: ${words[0]}: not found\n` : `sh: 1: ${words[0]}: not found\n`);
    return 127;
  }
}

/** A redirection of a simple command: `> file`, `>> file`, `< file`, `2> file`, `2>&1`, `&> file`. */
interface Redirect {
  /** The descriptor redirected: 0 stdin, 1 stdout, 2 stderr, 3 both stdout and stderr (`&>`). */
  fd: 0 | 1 | 2 | 3;
  op: '>' | '>>' | '<' | '>&';
  /** The file, or for `>&` the descriptor duplicated ('1', '2'). */
  target: string;
}

interface SimpleCommand {
  words: string[];
  redirects: Redirect[];
  /** The operator after it: `;`, `&&`, `||`, or `|` into the next command. */
  next?: string;
}

/**
 * Splits a command line into simple commands, with the shell's quoting (single quotes literal,
 * double quotes expanding `$VAR`, `${VAR}` and `$?`, backslash escapes), their redirections, and
 * the operator after each. Each is expanded as it is reached, so `$?` is the status of the
 * command before it.
 */
function* parseLine(line: string, status: () => number, env: Readonly<Record<string, string>>): Generator<SimpleCommand> {
  let words: string[] = [];
  let redirects: Redirect[] = [];
  let word: string | undefined;
  let pending: Omit<Redirect, 'target'> | undefined;
  const push = () => {
    if (word !== undefined) {
      if (pending) redirects.push({ ...pending, target: word });
      else words.push(word);
      pending = undefined;
    }
    word = undefined;
  };
  const finish = (next?: string): SimpleCommand => {
    push();
    const command = { words, redirects, ...(next ? { next } : {}) };
    words = [];
    redirects = [];
    return command;
  };
  const expandAt = (i: number): [string, number] => {
    const rest = line.slice(i + 1);
    if (rest[0] === '?') return [String(status()), i + 2];
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}|^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (!m) return ['$', i + 1];
    return [env[m[1] ?? m[2]!] ?? '', i + 1 + m[0].length];
  };
  for (let i = 0; i < line.length; ) {
    const c = line[i]!;
    if (c === '#' && word === undefined) break;
    if (c === ' ' || c === '\t') {
      push();
      i++;
    } else if (c === ';' || line.startsWith('&&', i) || line.startsWith('||', i)) {
      const op = c === ';' ? ';' : line.slice(i, i + 2);
      i += op.length;
      yield finish(op);
    } else if (c === '|') {
      i++;
      yield finish('|');
    } else if (c === '>' || c === '<' || line.startsWith('&>', i)) {
      // A lone digit before it names the descriptor (`2>`); `&>` is both stdout and stderr.
      let fd: Redirect['fd'] = c === '<' ? 0 : 1;
      if (c === '&') {
        fd = 3;
        i++;
      } else if ((word === '1' || word === '2') && c === '>') {
        fd = Number(word) as 1 | 2;
        word = undefined;
      }
      push();
      let op: Redirect['op'] = c === '<' ? '<' : '>';
      i++;
      if (op === '>' && line[i] === '>') {
        op = '>>';
        i++;
      } else if (op === '>' && line[i] === '&' && /[12]/.test(line[i + 1] ?? '')) {
        redirects.push({ fd, op: '>&', target: line[i + 1]! });
        i += 2;
        continue;
      }
      pending = { fd, op };
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, close < 0 ? line.length : close);
      i = close < 0 ? line.length : close + 1;
    } else if (c === '"') {
      word ??= '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) {
          word += line[i + 1];
          i += 2;
        } else if (line[i] === '$') {
          const [value, next] = expandAt(i);
          word += value;
          i = next;
        } else word += line[i++];
      }
      i++;
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '');
      i += 2;
    } else if (c === '$') {
      const [value, next] = expandAt(i);
      // An unquoted expansion is split into words.
      const parts = value.split(/\s+/);
      word = (word ?? '') + parts[0];
      for (const p of parts.slice(1)) {
        push();
        word = p;
      }
      if (word === '' && value === '') word = undefined;
      i = next;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  yield finish();
}

function quote(arg: string): string {
  return /^[\w./=:-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function absolute(path: string): string {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (!p || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

function isDirectory(ctx: ExecContext, path: string): boolean {
  if (path === '/') return true;
  const top = path.split('/')[1]!;
  if (path === `/${top}` && rootDirectories.includes(top)) return true;
  for (const f of ctx.files.keys()) if (f.startsWith(`${path}/`)) return true;
  return false;
}

/** The entries of a directory: the names one level below it. */
function children(ctx: ExecContext, dir: string): Set<string> {
  const out = new Set<string>();
  const prefix = dir === '/' ? '/' : `${dir}/`;
  if (dir === '/') for (const d of rootDirectories) out.add(d);
  for (const f of ctx.files.keys()) if (f.startsWith(prefix) && f.length > prefix.length) out.add(f.slice(prefix.length).split('/')[0]!);
  return out;
}
