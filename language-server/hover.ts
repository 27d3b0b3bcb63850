// Hover: what a field is, from the kind's schema (its description, type and whether it is required),
// like `kubectl explain`; on a field that names another object, also where that object is defined.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { ManifestFile, PlacedDocument } from './manifestFile';
import { nodeSpan, scalarString, type PathSegment, type Span } from './parsedDocument';
import { isRequired, kindSchema, schemaAt, typeName } from './schemaAt';
import type { WorkspaceIndex } from './workspaceIndex';

export function hover(file: ManifestFile, doc: PlacedDocument, offset: number, index: WorkspaceIndex): Hover | undefined {
  const target = fieldAt(doc.parsed.yaml.contents as Node | null, offset, [], doc.parsed.text);
  if (!target || target.path.length === 0) return undefined;
  const value = doc.parsed.value;
  const resolved = kindSchema(value);
  const path = target.path;
  const sections: string[] = [];

  if (resolved) {
    const node = schemaAt(resolved.schema, path);
    const last = path[path.length - 1];
    if (path.length === 1 && (last === 'kind' || last === 'apiVersion') && target.onValue) {
      // On `kind: Deployment`, the kind itself is the interesting part.
      const { info, schema } = resolved;
      sections.push(`**${info.kind}** \`${info.group ? `${info.group}/` : ''}${info.version}\`${info.namespaced ? '' : ' · cluster-scoped'}`);
      if (schema.description) sections.push(schema.description);
    } else if (node) {
      const name = typeof last === 'number' ? `${String(path[path.length - 2] ?? '')}[${last}]` : String(last);
      const required = isRequired(resolved.schema, path);
      sections.push(`**${name}** \`${typeName(node)}\`${required ? ' · required' : ''}`);
      if (node.description) sections.push(node.description);
      if (node.enum?.length) sections.push(`Allowed values: ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
    }
  }

  const kind = scalarString(value, 'kind');
  const position = file.position(doc, offset);
  const ref = index.referenceAt(file.uri, position);
  if (ref) {
    const found = index.find(ref.kind, ref.namespace, ref.name);
    sections.push(
      found.length
        ? found.map((r) => `→ ${ref.kind} \`${r.name}\` in ${r.uri.slice(r.uri.lastIndexOf('/') + 1)}`).join('\n\n')
        : `→ ${ref.kind} \`${ref.name}\`: not defined in the workspace`,
    );
  }
  if (kind === 'Service' && path[0] === 'spec' && path[1] === 'selector') {
    const service = index.selectorAt(file.uri, position);
    const selected = service?.selector ? index.selectedBy(service.selector, service.namespace) : [];
    sections.push(
      selected.length
        ? `Selects the pods of ${selected.map((r) => `${r.kind} \`${r.name}\` (${r.uri.slice(r.uri.lastIndexOf('/') + 1)})`).join(', ')}`
        : 'Selects no pod template defined in the workspace',
    );
  }
  if (sections.length === 0) return undefined;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n') }, range: file.range(doc, target.span) };
}

/** The path of the key or value under `offset`, and the span hovered. */
function fieldAt(node: Node | null, offset: number, path: PathSegment[], text: string): { path: PathSegment[]; span: Span; onValue: boolean } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key) || !pair.key.range) continue;
      const key = String(pair.key.value);
      const keySpan = nodeSpan(pair.key);
      if (offset >= keySpan[0] && offset <= keySpan[1]) return { path: [...path, key], span: keySpan, onValue: false };
      const value = pair.value as Node | null;
      if (value?.range && offset >= value.range[0] && offset <= nodeSpan(value, text)[1]) {
        if (isScalar(value)) return { path: [...path, key], span: nodeSpan(value), onValue: true };
        return fieldAt(value, offset, [...path, key], text);
      }
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i] as Node | null;
      if (!item?.range || offset < item.range[0] || offset > nodeSpan(item, text)[1]) continue;
      if (isScalar(item)) return { path: [...path, i], span: nodeSpan(item), onValue: true };
      return fieldAt(item, offset, [...path, i], text);
    }
  }
  return undefined;
}
