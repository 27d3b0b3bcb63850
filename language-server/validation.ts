// Diagnostics for one YAML document: syntax errors from the parser, then each object as the API
// server would judge it (validateObject), every field error placed on the key or value it is about.
// A pure function of the parsed document, so its result is cached with the document and only the
// documents an edit touched are checked again.
import { formatFieldError, type FieldError } from '../engine/api/errors';
import { conversionFor } from '../engine/api/conversion/index';
import { kinds, parseAPIVersion } from '../engine/api/kinds/index';
import { parseFieldPath, type ParsedManifest, type SourceRange } from '../engine/api/manifest/index';
import { asCreated } from '../engine/api/meta/asCreated';
import { validateObject, type ValidateResult } from '../engine/api/validate';
import { nearestName } from './nearestName';
import type { ParsedDocument, PathSegment, Span } from './parsedDocument';
import { schemaAt } from './schemaAt';

export type Severity = 'error' | 'warning' | 'information';

/** A diagnostic placed by offsets within its document. */
export interface ManifestDiagnostic {
  readonly span: Span;
  readonly severity: Severity;
  readonly message: string;
  /** The parser's error code in kebab case (`bad-indent`) or the field error's type (`Required`, `UnknownField`). */
  readonly code: string;
  /** Edits that would fix it, offered as quick fixes. */
  readonly fixes?: readonly QuickFix[];
}

export interface QuickFix {
  readonly title: string;
  readonly edits: readonly { readonly span: Span; readonly newText: string }[];
}

export function validateDocument(doc: ParsedDocument): ManifestDiagnostic[] {
  const diagnostics: ManifestDiagnostic[] = doc.syntaxErrors.map((e) => ({
    span: e.span,
    severity: e.warning ? 'warning' : 'error',
    message: e.message,
    code: e.code.toLowerCase().replace(/_/g, '-'),
  }));
  // Like kubectl, judge no object whose YAML did not parse: its errors would only echo the typo.
  if (diagnostics.some((d) => d.severity === 'error')) return diagnostics;
  for (const manifest of doc.manifests) {
    // A document with neither apiVersion nor kind is some other YAML (a CI workflow, a Helm values
    // file) that happens to be open: judging it as a Kubernetes object would only be noise.
    if (!looksLikeObject(manifest.object)) continue;
    const result = validateObject(asCreated(manifest.object), { fieldValidation: 'Strict' });
    const place = (e: FieldError, severity: Severity) => {
      const fix = fixFor(manifest, e, result);
      diagnostics.push({ span: spanOf(manifest, e, doc.text), severity, message: formatFieldError(e), code: e.type, ...(fix ? { fixes: [fix] } : {}) });
    };
    for (const e of manifest.duplicateFields) place(e, 'error');
    for (const e of result.errors) place(e, e.warning || undefinedCustomKind(manifest.object, result, e) ? 'warning' : 'error');
    for (const e of result.warnings) place(e, 'warning');
  }
  return diagnostics;
}

/** The API groups Kubernetes itself defines, as opposed to groups CRDs add. */
let builtInGroups: ReadonlySet<string> | undefined;

/**
 * Whether `e` says an object's kind is unknown in a group Kubernetes does not define: a custom
 * resource (a ServiceMonitor, an HTTPRoute) whose CRD is installed in the cluster rather than kept in
 * the workspace. The API server would refuse it without the CRD, but in an editor that is usually
 * not the manifest's fault: a warning, not an error. An unknown kind in a built-in group is a typo.
 */
function undefinedCustomKind(object: unknown, result: ValidateResult, e: FieldError): boolean {
  if (e.field !== 'kind' || result.kind || result.suggestion) return false;
  const apiVersion = (object as Record<string, unknown>)['apiVersion'];
  if (typeof apiVersion !== 'string' || !apiVersion.includes('/')) return false;
  builtInGroups ??= new Set(
    kinds()
      .all()
      .filter((k) => !kinds().isCustom(k))
      .map((k) => k.group),
  );
  return !builtInGroups.has(parseAPIVersion(apiVersion).group);
}

function looksLikeObject(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return 'apiVersion' in value || 'kind' in value;
}


/** The fix for a misspelt kind (the suggestion validateObject makes), field name or enum value. */
function fixFor(manifest: ParsedManifest, e: FieldError, result: ValidateResult): QuickFix | undefined {
  const valueSpan = (field: string): Span | undefined => {
    const value = manifest.locate(field)?.value;
    return value && [value.start.offset, value.end.offset];
  };
  if (result.suggestion && (e.field === 'kind' || e.field === 'apiVersion')) {
    const { apiVersion, kind } = result.suggestion;
    const object = manifest.object as Record<string, unknown>;
    const edits: { span: Span; newText: string }[] = [];
    for (const [field, wanted] of [['apiVersion', apiVersion], ['kind', kind]] as const) {
      const span = valueSpan(field);
      if (span && object[field] !== wanted) edits.push({ span, newText: wanted });
    }
    return edits.length ? { title: `Change to ${apiVersion} ${kind}`, edits } : undefined;
  }
  const schema = result.kind && kinds().schema(result.kind);
  if (!schema) return undefined;
  const segments: PathSegment[] = parseFieldPath(e.field).map((s) => ('name' in s ? s.name : /^\d+$/.test(s.bracket) ? Number(s.bracket) : s.bracket));
  if (e.type === 'UnknownField') {
    const typed = segments.pop();
    const parent = schemaAt(schema, segments);
    const suggestion = typeof typed === 'string' && parent ? nearestName(typed, parent.propertyNames()) : undefined;
    const key = manifest.locate(e.field)?.key;
    if (!suggestion || !key) return undefined;
    return { title: `Change to ${suggestion}`, edits: [{ span: [key.start.offset, key.end.offset], newText: suggestion }] };
  }
  if (e.type === 'NotSupported' && typeof e.value === 'string') {
    const allowed = schemaAt(schema, segments)?.enum?.map(String) ?? [];
    const suggestion = nearestName(e.value, allowed);
    const span = valueSpan(e.field);
    if (!suggestion || !span) return undefined;
    return { title: `Change to ${suggestion}`, edits: [{ span, newText: suggestion }] };
  }
  return undefined;
}

/** Errors about a field's name sit on its key; errors about its value, on the value. */
const onKey = new Set<FieldError['type']>(['UnknownField', 'DuplicateField', 'Forbidden']);

function spanOf(manifest: ParsedManifest, e: FieldError, text: string): Span {
  // Validation speaks of a converted kind (events.k8s.io/v1 Event) in its storage version's fields,
  // as kube-apiserver's messages do; the manifest has them under the served version's names.
  const location = manifest.locate(servedPath(manifest.object, e.field) ?? e.field);
  // A missing field is reported on the key of the deepest ancestor that exists (`spec:` for `spec.selector`).
  const range = location && (onKey.has(e.type) || !location.exact ? (location.key ?? location.value) : (location.value ?? location.key));
  return firstLine(range ?? manifest.range, text);
}

/** Where a storage-version field path sits in an object of a version served through a conversion. */
function servedPath(object: unknown, field: string): string | undefined {
  if (!object || typeof object !== 'object') return undefined;
  const { apiVersion, kind } = object as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const { group, version } = parseAPIVersion(apiVersion);
  return conversionFor(group, version, kind)?.servedPath?.(field);
}

/** A range over a whole block is too loud: keep its first line, without trailing blanks. */
function firstLine(range: SourceRange, text: string): Span {
  const start = range.start.offset;
  let end = range.end.offset;
  const newline = text.indexOf('\n', start);
  if (newline >= 0 && newline < end) end = newline;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}
