// Document symbols: one per resource (`Deployment web`), with its top-level fields as children, so the
// outline and breadcrumbs read like `kubectl get`.
import { isMap, isNode, isScalar } from 'yaml';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { ManifestFile } from './manifestFile';
import { contentSpan, nodeAt, nodeSpan, scalarString, type Span } from './parsedDocument';

export function documentSymbols(file: ManifestFile): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const doc of file.documents) {
    const contents = doc.parsed.yaml.contents;
    if (!isMap(contents)) continue;
    const value = doc.parsed.value;
    const kind = scalarString(value, 'kind');
    const name = scalarString(value, 'metadata', 'name') ?? scalarString(value, 'metadata', 'generateName');
    const namespace = scalarString(value, 'metadata', 'namespace');
    const children: DocumentSymbol[] = [];
    for (const pair of contents.items) {
      if (!isScalar(pair.key) || !pair.key.range) continue;
      const keySpan = nodeSpan(pair.key);
      const end = isNode(pair.value) ? nodeSpan(pair.value, doc.parsed.text)[1] : keySpan[1];
      const field = String(pair.key.value);
      const detail = isScalar(pair.value) ? String(pair.value.value) : undefined;
      children.push({
        name: field,
        kind: SymbolKind.Field,
        ...(detail !== undefined ? { detail } : {}),
        range: file.range(doc, [keySpan[0], end]),
        selectionRange: file.range(doc, keySpan),
      });
    }
    const whole: Span = contentSpan(doc.parsed);
    const nameNode = nodeAt(doc.parsed, ['metadata', 'name']) ?? nodeAt(doc.parsed, ['kind']);
    const selection: Span = nameNode ? nodeSpan(nameNode) : [whole[0], whole[0]];
    symbols.push({
      name: [kind ?? '(no kind)', name].filter(Boolean).join(' '),
      kind: SymbolKind.Class,
      ...(namespace ? { detail: `namespace ${namespace}` } : {}),
      range: file.range(doc, whole),
      selectionRange: file.range(doc, selection),
      children,
    });
  }
  return symbols;
}
