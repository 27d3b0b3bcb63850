// Go to definition: from a field that names another object (a ConfigMap, Secret, Service, claim or
// service account) to the document that defines that object, wherever it is in the workspace; from a
// Service's selector to the workloads whose pods it selects.
import type { Location, Position } from 'vscode-languageserver';
import type { WorkspaceIndex } from './workspaceIndex';

export function definition(index: WorkspaceIndex, uri: string, position: Position): Location[] {
  const ref = index.referenceAt(uri, position);
  if (ref) return index.find(ref.kind, ref.namespace, ref.name).map((r) => ({ uri: r.uri, range: r.nameRange }));
  const service = index.selectorAt(uri, position);
  if (service?.selector) return index.selectedBy(service.selector, service.namespace).map((r) => ({ uri: r.uri, range: r.nameRange }));
  return [];
}
