// Completion from the kind's schema: field names with their types and descriptions (required ones
// first), enum values, apiVersion/kind pairs, snippets for new resources, and the names of objects
// the workspace defines where a field refers to one.
import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  type CompletionItem,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import { kinds, apiVersionOf, versionPriority, type KindInfo } from '../engine/api/kinds/index';
import type { SchemaNode } from '../engine/api/schema/node';
import { cursorContext, type CursorContext } from './cursorContext';
import type { ManifestFile, PlacedDocument } from './manifestFile';
import { contentSpan, nodeAt, nodeSpan, scalarString } from './parsedDocument';
import { referencedKindAt } from './resourceReferences';
import { isBlock, isRequired, kindSchema, schemaAt, typeName } from './schemaAt';
import { resourceSnippets } from './snippets';
import type { WorkspaceIndex } from './workspaceIndex';

/** `triggerCharacter`: the character that opened completion by itself, if one did. */
export function completion(file: ManifestFile, doc: PlacedDocument, offset: number, index: WorkspaceIndex, triggerCharacter?: string): CompletionItem[] {
  const context = cursorContext(doc.parsed.text, offset);
  if (!context) return [];
  // A space opens completion after `key: ` and `- `, not while indenting a line.
  if (triggerCharacter === ' ' && context.mode === 'key' && !context.inNewItem) return [];
  const range = file.range(doc, context.replace);
  const value = doc.parsed.value;
  if (context.mode === 'value') return valueCompletions(file, doc, context, range, index);

  const resolved = kindSchema(value);
  if (context.path.length === 0 && !resolved) return [...topLevelKeys(context, range), ...(context.siblings.length === 0 ? snippetItems(range) : [])];
  if (!resolved) return [];
  const node = schemaAt(resolved.schema, context.path);
  if (!node) return [];
  // `- |` in a list of scalars is a value, not a key.
  if (context.inNewItem && !isBlock(node)) return scalarValues(node, range);
  return fieldItems(resolved.schema, node, context, range);
}

function fieldItems(root: SchemaNode, node: SchemaNode, context: CursorContext, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const name of node.propertyNames()) {
    if (context.siblings.includes(name)) continue;
    // Fields the API server owns are no use in a manifest.
    if (context.path.length === 0 && name === 'status') continue;
    const field = node.property(name);
    if (!field) continue;
    const required = isRequired(root, [...context.path, name]);
    items.push({
      label: name,
      kind: CompletionItemKind.Field,
      detail: `${typeName(field)}${required ? ' (required)' : ''}`,
      ...(field.description ? { documentation: { kind: MarkupKind.Markdown, value: field.description } } : {}),
      sortText: `${required ? '0' : '1'}_${name}`,
      textEdit: { range, newText: fieldSnippet(name, field) },
      insertTextFormat: InsertTextFormat.Snippet,
      insertTextMode: InsertTextMode.adjustIndentation,
    });
  }
  return items;
}

/** What typing a field inserts: the key, then where its value goes (inline, nested map, or list item). */
function fieldSnippet(name: string, field: SchemaNode): string {
  const block = isBlock(field);
  if (block === 'map') return `${name}:\n  $0`;
  if (block === 'list') return `${name}:\n  - $0`;
  if (field.enum?.length) return `${name}: \${1|${field.enum.map((v) => String(v).replace(/[|,\\]/g, '\\$&')).join(',')}|}`;
  if (field.type === 'boolean') return `${name}: \${1|true,false|}`;
  return `${name}: $0`;
}

function topLevelKeys(context: CursorContext, range: Range): CompletionItem[] {
  return ['apiVersion', 'kind', 'metadata']
    .filter((k) => !context.siblings.includes(k))
    .map((k, i) => ({
      label: k,
      kind: CompletionItemKind.Field,
      sortText: `0_${i}`,
      textEdit: { range, newText: k === 'metadata' ? 'metadata:\n  name: $0' : `${k}: $0` },
      insertTextFormat: InsertTextFormat.Snippet,
      insertTextMode: InsertTextMode.adjustIndentation,
    }));
}

function snippetItems(range: Range): CompletionItem[] {
  return resourceSnippets.map((s) => ({
    label: s.kind,
    kind: CompletionItemKind.Snippet,
    detail: `${s.apiVersion} ${s.kind}`,
    documentation: { kind: MarkupKind.Markdown, value: `A new ${s.kind}.\n\n\`\`\`yaml\n${snippetPreview(s.body)}\`\`\`` },
    sortText: `2_${s.kind}`,
    textEdit: { range, newText: s.body },
    insertTextFormat: InsertTextFormat.Snippet,
  }));
}

/** A snippet as the text it inserts when every placeholder keeps its default (the first choice). */
function snippetPreview(body: string): string {
  let text = body.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1');
  // Innermost placeholders first: `${2:${1:name}}` becomes `${2:name}`, then `name`.
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\$\{\d+:([^${}]*)\}/g, '$1');
  }
  return text.replace(/\$0/g, '');
}

function valueCompletions(file: ManifestFile, doc: PlacedDocument, context: CursorContext, range: Range, index: WorkspaceIndex): CompletionItem[] {
  const value = doc.parsed.value;
  const path = context.path;
  if (path.length === 1 && path[0] === 'kind') return kindItems(file, doc, range);
  if (path.length === 1 && path[0] === 'apiVersion') return apiVersionItems(scalarString(value, 'kind'), range);
  const kind = scalarString(value, 'kind');
  const namespace = scalarString(value, 'metadata', 'namespace') ?? '';
  if (path.length === 2 && path[0] === 'metadata' && path[1] === 'namespace') return names(index.namespaceNames().map((n) => ({ name: n, detail: 'Namespace' })), range);
  const referenced = kind ? referencedKindAt(kind, path, value) : undefined;
  if (referenced) {
    // One item per name: the same ConfigMap may be defined once per environment overlay.
    const candidates = new Map<string, { name: string; detail: string }>();
    for (const r of index.ofKind(referenced)) {
      const reachable = r.namespace === namespace || r.namespace === '' || namespace === '';
      if (reachable && !candidates.has(r.name)) candidates.set(r.name, { name: r.name, detail: `${referenced} in ${r.uri.slice(r.uri.lastIndexOf('/') + 1)}` });
    }
    return names([...candidates.values()], range);
  }
  const resolved = kindSchema(value);
  const node = resolved && schemaAt(resolved.schema, path);
  return node ? scalarValues(node, range) : [];
}

function names(list: { name: string; detail: string }[], range: Range): CompletionItem[] {
  return list.map(({ name, detail }) => ({ label: name, kind: CompletionItemKind.Reference, detail, textEdit: { range, newText: name } }));
}

function scalarValues(node: SchemaNode, range: Range): CompletionItem[] {
  const values = node.enum?.map(String) ?? (node.type === 'boolean' ? ['true', 'false'] : []);
  return values.map((v) => ({
    label: v,
    kind: CompletionItemKind.EnumMember,
    ...(node.description ? { documentation: { kind: MarkupKind.Markdown, value: node.description } } : {}),
    textEdit: { range, newText: v },
  }));
}

/** > 0 when `a` is the better version to write: served here, then GA over beta over alpha. */
function preference(a: KindInfo, b: KindInfo): number {
  return Number(a.served) - Number(b.served) || versionPriority(a.version) - versionPriority(b.version);
}

/** Each REST kind once, at its preferred version (served by the embedded cluster first). */
function preferredKinds(): KindInfo[] {
  const best = new Map<string, KindInfo>();
  for (const info of kinds().all()) {
    if (!info.plural) continue; // not a REST resource (Status, WatchEvent, …)
    const seen = best.get(info.kind);
    if (!seen || preference(info, seen) > 0) best.set(info.kind, info);
  }
  return [...best.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

/** `kind:` values; choosing one also sets apiVersion to a version that serves it. */
function kindItems(file: ManifestFile, doc: PlacedDocument, range: Range): CompletionItem[] {
  const apiVersion = scalarString(doc.parsed.value, 'apiVersion');
  const apiVersionNode = nodeAt(doc.parsed, ['apiVersion']);
  const registry = kinds();
  return preferredKinds().map((info) => {
    const preferred = apiVersionOf(info.group, info.version);
    const fits = apiVersion !== undefined && registry.lookup(apiVersion, info.kind) !== undefined;
    let additionalTextEdits: TextEdit[] | undefined;
    if (!fits) {
      if (apiVersionNode) additionalTextEdits = [{ range: file.range(doc, nodeSpan(apiVersionNode, doc.parsed.text)), newText: preferred }];
      else if (!hasKey(doc.parsed.value, 'apiVersion')) {
        // No `apiVersion:` line at all (an empty one has no node to replace, and gets none added).
        const start = file.range(doc, contentSpan(doc.parsed)).start;
        additionalTextEdits = [{ range: { start, end: start }, newText: `apiVersion: ${preferred}\n` }];
      }
    }
    return {
      label: info.kind,
      kind: CompletionItemKind.Class,
      detail: fits ? apiVersion : preferred,
      sortText: `${fits ? '0' : '1'}_${info.kind}`,
      textEdit: { range, newText: info.kind },
      ...(additionalTextEdits ? { additionalTextEdits } : {}),
    };
  });
}

function hasKey(value: unknown, key: string): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && key in value;
}

/** `apiVersion:` values: the group/versions that serve the document's kind, or all of them. */
function apiVersionItems(kind: string | undefined, range: Range): CompletionItem[] {
  const all = kinds().all().filter((i) => i.plural);
  const serving = kind ? all.filter((i) => i.kind === kind) : [];
  const list = serving.length ? serving : all;
  const versions = new Map<string, KindInfo>();
  for (const i of list) {
    const v = apiVersionOf(i.group, i.version);
    const seen = versions.get(v);
    if (!seen || (i.served && !seen.served)) versions.set(v, i);
  }
  return [...versions.entries()]
    .sort(([a, ia], [b, ib]) => preference(ib, ia) || a.localeCompare(b))
    .map(([v], i) => ({ label: v, kind: CompletionItemKind.Module, sortText: String(i).padStart(4, '0'), textEdit: { range, newText: v } }));
}
