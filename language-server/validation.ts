// Diagnostics for one YAML document: syntax errors and duplicate keys from the parser, then the
// object itself as the API server would judge it. A pure function of the parsed document, so its
// result is cached with the document and only documents an edit touched are checked again.
import type { ParsedDocument, Span } from './parsedDocument';

export type Severity = 'error' | 'warning' | 'information';

/** A diagnostic placed by offsets within its document. */
export interface ManifestDiagnostic {
  readonly span: Span;
  readonly severity: Severity;
  readonly message: string;
  /** The parser's error code in kebab case (`duplicate-key`) or the field error type (`FieldValueRequired`). */
  readonly code: string;
}

export function validateDocument(doc: ParsedDocument): ManifestDiagnostic[] {
  const diagnostics: ManifestDiagnostic[] = doc.syntaxErrors.map((e) => ({
    span: e.span,
    severity: e.warning ? 'warning' : 'error',
    message: e.message,
    code: e.code.toLowerCase().replace(/_/g, '-'),
  }));
  return diagnostics;
}
