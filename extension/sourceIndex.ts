// Where each object of the cluster came from: the file and document it was applied from (remembered
// per workspace), else the first workspace manifest that declares it. "Reveal in File" opens it there.
import * as vscode from 'vscode';
import { parseManifests } from '../engine/api/manifest/index';
import type { ObjectRef } from './backend/clusterBackend';

interface Source {
  uri: string;
  documentIndex: number;
}

const stateKey = 'kubeside.sources';

function key(ref: ObjectRef & { kind: string }): string {
  return `${ref.type.group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export class SourceIndex {
  private readonly sources: Map<string, Source>;

  constructor(private readonly state: vscode.Memento) {
    this.sources = new Map(Object.entries(state.get<Record<string, Source>>(stateKey, {})));
  }

  record(ref: ObjectRef & { kind: string }, uri: vscode.Uri, documentIndex: number): void {
    this.sources.set(key(ref), { uri: uri.toString(), documentIndex });
    void this.state.update(stateKey, Object.fromEntries(this.sources));
  }

  /** The file and range that declare the object, or undefined when no manifest in the workspace does. */
  async find(ref: ObjectRef & { kind: string }): Promise<{ uri: vscode.Uri; range: vscode.Range } | undefined> {
    const known = this.sources.get(key(ref));
    if (known) {
      const found = await this.locate(vscode.Uri.parse(known.uri), ref, known.documentIndex);
      if (found) return found;
    }
    for (const uri of await vscode.workspace.findFiles('**/*.{yaml,yml,json}', '**/{node_modules,.git}/**', 2000)) {
      const found = await this.locate(uri, ref);
      if (found) return found;
    }
    return undefined;
  }

  private async locate(uri: vscode.Uri, ref: ObjectRef & { kind: string }, documentIndex?: number): Promise<{ uri: vscode.Uri; range: vscode.Range } | undefined> {
    let text: string;
    try {
      // An open editor's text (it may be unsaved); else the file as stored, read without opening a
      // document, which would make the language server check every file the search passes.
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
    for (const m of parseManifests(text, uri.fsPath)) {
      if (documentIndex !== undefined && m.documentIndex !== documentIndex) continue;
      const obj = m.object as Record<string, any> | undefined;
      if (obj?.kind !== ref.kind || obj?.metadata?.name !== ref.name) continue;
      // A manifest without a namespace lands in `default`.
      if (ref.namespace && (obj.metadata.namespace ?? 'default') !== ref.namespace) continue;
      const r = m.range;
      return { uri, range: new vscode.Range(r.start.line - 1, r.start.column - 1, r.start.line - 1, r.start.column - 1) };
    }
    return undefined;
  }
}
