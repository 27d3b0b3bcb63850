// Starts the Kubeside language server (dist/server.js) in its own process over Node IPC and
// connects it to VS Code's YAML and JSON editors: diagnostics, completion, hover, navigation and
// quick fixes for manifests all come from it. While a cluster runs, it also hears the cluster's facts
// (nodes, free room, existing names) so manifests are checked against what is running.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { clusterFactsNotification } from '../language-server/clusterFacts';
import type { ClusterCache } from './cache/clusterCache';
import { clusterFacts, factKinds } from './cache/clusterFacts';
import type { Connection } from './clusterManager';

/** How long cache changes gather before the facts are sent again. */
const factsDelayMs = 500;

export function startLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'json' },
    ],
    // Tells the server when kubeside.* settings change; it then asks for its kubeside.lint section.
    synchronize: { configurationSection: 'kubeside' },
    middleware: {
      // The server offers Apply/Delete lenses; show them only once this extension implements their commands.
      provideCodeLenses: async (document, token, next) => {
        const lenses = (await next(document, token)) ?? [];
        const available = new Set(await vscode.commands.getCommands(true));
        return lenses.filter((lens) => !lens.command || available.has(lens.command.command));
      },
    },
  };
  const client = new LanguageClient('kubeside', 'Kubeside Manifests', serverOptions, clientOptions);
  void client.start();
  return client;
}

/**
 * Sends the language server the facts of `cache` now, and again after changes that can alter them
 * (at most every half second while they keep coming), or null when no cluster runs. Facts are sent
 * only when they differ from the last ones, and again whenever the server (re)starts.
 */
export function sendClusterFacts(client: LanguageClient, cache: ClusterCache | undefined): vscode.Disposable {
  let sent: string | undefined;
  const send = () => {
    const facts = cache ? clusterFacts(cache) : null;
    const text = JSON.stringify(facts);
    if (text === sent) return;
    sent = text;
    // A server that is stopping or failed to start gets the facts on its next start (below).
    client.sendNotification(clusterFactsNotification, facts).catch(() => (sent = undefined));
  };
  send();
  const disposables: vscode.Disposable[] = [
    client.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      sent = undefined;
      send();
    }),
  ];
  if (cache) {
    // Not a pure debounce: a cluster that never stops changing (pods churning) must still be reported.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changes = cache.onDidChange((batch) => {
      if (timer || !batch.some((c) => factKinds.has(c.kind))) return;
      timer = setTimeout(() => {
        timer = undefined;
        send();
      }, factsDelayMs);
    });
    disposables.push(new vscode.Disposable(() => clearTimeout(timer)), new vscode.Disposable(() => changes.dispose()));
  }
  return vscode.Disposable.from(...disposables);
}

/** Keeps the language server's facts in step with the cluster the extension runs, across starts, stops and restarts. */
export function followClusterFacts(
  client: LanguageClient,
  clusters: { readonly onDidChangeState: vscode.Event<unknown>; readonly connection: Connection | undefined },
): vscode.Disposable {
  let current = sendClusterFacts(client, clusters.connection?.cache);
  const stateChanges = clusters.onDidChangeState(() => {
    current.dispose();
    current = sendClusterFacts(client, clusters.connection?.cache);
  });
  return new vscode.Disposable(() => {
    stateChanges.dispose();
    current.dispose();
  });
}
