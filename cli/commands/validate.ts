// `kubeside validate FILE|DIR…`: checks manifests as the API server would (schema, then Kubernetes'
// own rules) without a cluster, and prints each problem at its line and column — for editors and CI.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Command, type CommandIO, UsageError } from '../command';
import { formatFieldError, type FieldError } from '../../engine/api/errors';
import { parseManifests, type ParsedManifest, type SourcePosition } from '../../engine/api/manifest/index';
import { asCreated } from '../../engine/api/meta/asCreated';
import { validateObject, type FieldValidationMode } from '../../engine/api/validate';
import { isCustomResourceDefinition, registerCustomResourceDefinition } from '../../engine/apiserver/registry/crdKinds';
import type { Obj } from '../../engine/apiserver/registry/strategy';

const usage = `Usage: kubeside validate [options] FILE|DIR...

Validates Kubernetes manifests (YAML, multi-document YAML, JSON, List kinds) against the
Kubernetes 1.36 schemas and validation rules. Directories are searched recursively for
*.yaml, *.yml and *.json files. Custom resources are checked against the schemas of the
CustomResourceDefinitions among the files given.

Each problem is printed as
  file:line:column: Kind/name: field.path: message

Options:
  --field-validation=Strict|Warn|Ignore
                      Unknown and duplicate fields are errors (Strict, the default, as
                      kubectl apply), warnings (Warn), or ignored (Ignore).
  --served-only       Also reject kinds the embedded cluster does not serve.
  -o, --output=json   Print problems as JSON.

Exit status: 1 if any error was found, 0 otherwise (warnings do not fail).`;

type Severity = 'error' | 'warning';

export interface ValidationProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  /** `Kind/name` of the object, when the problem is in one. */
  object?: string;
  /** Kubernetes field path, when the problem is about a field. */
  field?: string;
  /** apimachinery's error type (`Required`, `Invalid`, …) or `Syntax` for YAML errors. */
  reason: string;
  message: string;
}

interface Options {
  fieldValidation: FieldValidationMode;
  servedOnly: boolean;
  json: boolean;
  paths: string[];
}

const MODES: readonly FieldValidationMode[] = ['Strict', 'Warn', 'Ignore'];

function parseArgs(args: string[]): Options {
  const o: Options = { fieldValidation: 'Strict', servedOnly: false, json: false, paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('-') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`flag needs an argument: ${flag}`);
      return v;
    };
    if (flag === '--field-validation') {
      const v = value();
      const mode = MODES.find((m) => m.toLowerCase() === v.toLowerCase());
      if (!mode) throw new UsageError(`invalid --field-validation "${v}": must be one of Strict, Warn, Ignore`);
      o.fieldValidation = mode;
    } else if (flag === '-o' || flag === '--output') {
      const v = value();
      if (v !== 'json') throw new UsageError(`unsupported output format "${v}": only json`);
      o.json = true;
    } else if (flag === '--served-only') {
      o.servedOnly = true;
    } else if (flag.startsWith('-') && flag !== '-') {
      throw new UsageError(`unknown flag: ${flag}`);
    } else {
      o.paths.push(arg);
    }
  }
  if (!o.paths.length) throw new UsageError('no FILE or DIR given');
  return o;
}

const MANIFEST = /\.(ya?ml|json)$/i;

/** The manifest files under `p`, sorted, skipping hidden directories and node_modules. */
function manifestFiles(p: string): string[] {
  const st = statSync(p);
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const entry of readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = path.join(p, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') out.push(...manifestFiles(child));
    } else if (MANIFEST.test(entry.name)) out.push(child);
  }
  return out;
}

function objectName(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const o = obj as { kind?: unknown; metadata?: { name?: unknown; generateName?: unknown } };
  const kind = typeof o.kind === 'string' && o.kind ? o.kind : undefined;
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : typeof o.metadata?.generateName === 'string' ? `${o.metadata.generateName}*` : undefined;
  if (!kind) return name;
  return name ? `${kind}/${name}` : kind;
}

/** Field problems point at the value when it is the value that is wrong, else at the key. */
const VALUE_TYPES = new Set<FieldError['type']>(['Invalid', 'TypeInvalid', 'NotSupported', 'TooLong']);

function problemsOf(m: ParsedManifest, file: string, opts: Options): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const at = (start: SourcePosition, end: SourcePosition) => ({ file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column });
  for (const s of m.syntaxErrors) out.push({ ...at(s.range.start, s.range.end), severity: 'error', reason: 'Syntax', message: s.message });
  if (m.syntaxErrors.length || m.object === undefined) return out;

  const object = objectName(m.object);
  const field = (e: FieldError, severity: Severity) => {
    const loc = m.locate(e.field);
    const range = (loc?.exact && VALUE_TYPES.has(e.type) ? loc.value : undefined) ?? loc?.key ?? loc?.value ?? m.range;
    out.push({ ...at(range.start, range.end), severity, ...(object ? { object } : {}), ...(e.field ? { field: e.field } : {}), reason: e.type, message: formatFieldError(e) });
  };

  const result = validateObject(asCreated(m.object), { fieldValidation: opts.fieldValidation, servedOnly: opts.servedOnly });
  // Duplicate keys are strict-decoding problems like unknown fields, so the same mode applies.
  if (opts.fieldValidation === 'Strict') m.duplicateFields.forEach((e) => field(e, 'error'));
  else if (opts.fieldValidation === 'Warn') m.duplicateFields.forEach((e) => field(e, 'warning'));
  result.errors.forEach((e) => field(e, 'error'));
  result.warnings.forEach((e) => field(e, 'warning'));
  if (result.kind && !result.kind.served && !opts.servedOnly) {
    const { group, version, kind } = result.kind;
    const range = m.locate('kind')?.value ?? m.range;
    out.push({ ...at(range.start, range.end), severity: 'warning', ...(object ? { object } : {}), field: 'kind', reason: 'NotServed', message: `${group ? `${group}/` : ''}${version} ${kind} is part of Kubernetes but not served by the embedded cluster` });
  }
  // In source order, as an editor or a CI log reads best.
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

function print(p: ValidationProblem, io: CommandIO): void {
  const where = `${p.file}:${p.line}:${p.column}: `;
  const who = p.object ? `${p.object}: ` : '';
  const reason = p.reason === 'Syntax' ? 'yaml: ' : '';
  const warning = p.severity === 'warning' ? 'Warning: ' : '';
  io.stdout.write(`${where}${who}${warning}${reason}${p.message}\n`);
}

export const validate: Command = {
  name: 'validate',
  summary: 'Check manifests against the Kubernetes schemas and validation rules',
  usage,
  async run(args, io) {
    const opts = parseArgs(args);
    const problems: ValidationProblem[] = [];
    let files = 0;
    let objects = 0;
    let missing = false;
    // Every file is read first: the CRDs among them define kinds that objects in any file (before or
    // after) may use, as they would once applied to a cluster.
    const read: { shown: string; manifests: ParsedManifest[] }[] = [];
    for (const given of opts.paths) {
      const abs = path.resolve(io.cwd, given);
      let list: string[];
      try {
        list = manifestFiles(abs);
      } catch {
        io.stderr.write(`error: the path "${given}" does not exist\n`);
        missing = true;
        continue;
      }
      for (const file of list) {
        const shown = path.relative(io.cwd, file) || file;
        read.push({ shown, manifests: parseManifests(readFileSync(file, 'utf8'), shown) });
      }
    }
    const unregister = read.flatMap(({ manifests }) => manifests.filter((m) => !m.syntaxErrors.length && isCustomResourceDefinition(m.object)).map((m) => registerCustomResourceDefinition(m.object as Obj)));
    try {
      for (const { shown, manifests } of read) {
        files++;
        objects += manifests.filter((m) => m.object !== undefined && !m.syntaxErrors.length).length;
        for (const m of manifests) problems.push(...problemsOf(m, shown, opts));
      }
    } finally {
      for (const u of unregister) u();
    }
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    if (opts.json) {
      io.stdout.write(JSON.stringify({ files, objects, errors, warnings, problems }, null, 2) + '\n');
    } else {
      for (const p of problems) print(p, io);
      const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
      io.stdout.write(`${plural(files, 'file')}, ${plural(objects, 'object')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
    }
    return errors || missing ? 1 : 0;
  },
};
