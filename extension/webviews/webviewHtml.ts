// Host side of every Kubeside webview: where its files live, which of them it may load, and the
// page (html.ts) with each URI converted for the webview. Panels call these and add only their own.
import * as vscode from 'vscode';
import { createNonce, webviewHtml } from './html';

/**
 * The bundles (dist/media/<panel>/main.js and main.css) and the codicons font are all built under
 * dist/media (codicons in dist/media/codicons), so that one folder is all a webview may read.
 */
export function mediaRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'media');
}

/** Options for createWebviewPanel (and for a panel the serializer restores). */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [mediaRoot(extensionUri)],
    // Hidden panels are discarded and rebuilt from getState: a retained one would keep thousands of
    // DOM nodes alive for a tab nobody looks at.
    retainContextWhenHidden: false,
  };
}

/** The page for the panel whose front end is media/<panel>/main.ts. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, panel: string, title: string): string {
  const media = mediaRoot(extensionUri);
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(media, ...path)).toString();
  return webviewHtml({
    nonce: createNonce(),
    cspSource: webview.cspSource,
    title,
    scriptUri: uri(panel, 'main.js'),
    styleUris: [uri('codicons', 'codicon.css'), uri(panel, 'main.css')],
    bodyAttributes: { 'data-panel': panel },
  });
}
