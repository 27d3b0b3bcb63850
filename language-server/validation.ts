// Diagnostics for one YAML document: syntax errors from the parser, then each object as the API
// server would judge it (validateObject), every field error placed on the key or value it is about.
// A pure function of the parsed document, so its result is cached with the document and only the
// documents an edit touched are checked again.
import { formatFieldError, type FieldError } from '../engine/api/errors';
import type { ParsedManifest, SourceRange } from '../engine/api/manifest/index';
import { validateObject } from '../engine/api/validate';
import type { ParsedDocument, Span } from './parsedDocument';

export type Severity = 'error' | 'warning' | 'information';

/** A diagnostic placed by offsets within its document. */
export interface ManifestDiagnostic {
  readonly span: Span;
  readonly severity: Severity;
  readonly message: string;
  /** The parser's error code in kebab case (`bad-indent`) or the field error's type (`Required`, `UnknownField`). */
  readonly code: string;
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
    const place = (e: FieldError, severity: Severity) => diagnostics.push({ span: spanOf(manifest, e, doc.text), severity, message: formatFieldError(e), code: e.type });
    for (const e of manifest.duplicateFields) place(e, 'error');
    const result = validateObject(manifest.object, { fieldValidation: 'Strict' });
    for (const e of result.errors) place(e, e.warning ? 'warning' : 'error');
    for (const e of result.warnings) place(e, 'warning');
  }
  return diagnostics;
}

function looksLikeObject(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return 'apiVersion' in value || 'kind' in value;
}

/** Errors about a field's name sit on its key; errors about its value, on the value. */
const onKey = new Set<FieldError['type']>(['UnknownField', 'DuplicateField', 'Forbidden']);

function spanOf(manifest: ParsedManifest, e: FieldError, text: string): Span {
  const location = manifest.locate(e.field);
  // A missing field is reported on the key of the deepest ancestor that exists (`spec:` for `spec.selector`).
  const range = location && (onKey.has(e.type) || !location.exact ? (location.key ?? location.value) : (location.value ?? location.key));
  return firstLine(range ?? manifest.range, text);
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
