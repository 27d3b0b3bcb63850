// Find references: from an object's `metadata.name` (or from any reference to it) to every field in
// the workspace that names it.
import type { Location, Position } from 'vscode-languageserver';
import type { IndexedResource, WorkspaceIndex } from './workspaceIndex';

export function references(index: WorkspaceIndex, uri: string, position: Position, includeDeclaration: boolean): Location[] {
  let target: { kind: string; namespace: string; name: string };
  let declarations: IndexedResource[];
  const named = index.resourceNamedAt(uri, position);
  if (named) {
    target = named;
    declarations = [named];
  } else {
    const ref = index.referenceAt(uri, position);
    if (!ref) return [];
    target = ref;
    declarations = index.find(ref.kind, ref.namespace, ref.name);
  }
  const locations: Location[] = includeDeclaration ? declarations.map((d) => ({ uri: d.uri, range: d.nameRange })) : [];
  for (const r of index.referencesTo(target.kind, target.namespace, target.name)) locations.push({ uri: r.uri, range: r.range });
  return locations;
}
