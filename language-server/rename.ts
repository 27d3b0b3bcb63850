// Rename an object everywhere the workspace names it: its `metadata.name` and every reference to it,
// refusing names the API server would reject for that kind.
import { ResponseError, ErrorCodes, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { isDNS1035Label, isDNS1123Subdomain } from '../engine/api/validation/names';
import { references } from './references';
import type { WorkspaceIndex } from './workspaceIndex';

/** The name under the cursor that a rename would change: an object's name or a reference to one. */
export function prepareRename(index: WorkspaceIndex, uri: string, position: Position): Range | undefined {
  return index.resourceNamedAt(uri, position)?.nameRange ?? index.referenceAt(uri, position)?.range;
}

export function rename(index: WorkspaceIndex, uri: string, position: Position, newName: string): WorkspaceEdit | undefined {
  const kind = index.resourceNamedAt(uri, position)?.kind ?? index.referenceAt(uri, position)?.kind;
  if (!kind) return undefined;
  // Services name DNS labels (they become DNS names); the other kinds, DNS subdomains.
  const problems = kind === 'Service' ? isDNS1035Label(newName) : isDNS1123Subdomain(newName);
  if (problems.length) throw new ResponseError(ErrorCodes.InvalidParams, `Invalid ${kind} name ${JSON.stringify(newName)}: ${problems.join('; ')}`);
  const changes: Record<string, TextEdit[]> = {};
  for (const location of references(index, uri, position, true)) (changes[location.uri] ??= []).push({ range: location.range, newText: newName });
  return { changes };
}
