// The HTML page every Kubeside webview starts from: a strict Content-Security-Policy keyed to a
// per-load nonce, the panel's stylesheets and one script. Free of `vscode` so the headless-browser
// tests serve byte-for-byte the page (and the policy) the extension host serves.
import { randomBytes } from 'node:crypto';

export interface WebviewPage {
  /** Fresh for every load of the page: only elements carrying it may run or style. */
  readonly nonce: string;
  /** `webview.cspSource`: the origin the page's own resources are served from. */
  readonly cspSource: string;
  readonly title: string;
  /** Already converted with `webview.asWebviewUri` (or the test server's equivalent). */
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  /** Attributes of <body>, e.g. `data-panel`; values are escaped. */
  readonly bodyAttributes?: Readonly<Record<string, string>>;
}

/** 128 random bits, base64: what the CSP spec asks of a nonce (unguessable, never reused). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Nothing loads unless listed: scripts only with the nonce (so an injected <script> or `on…`
 * attribute never runs), styles and fonts only from the extension's own media, images also as data:
 * URIs. No connect-src: the page talks to the extension through postMessage only.
 * https://code.visualstudio.com/api/extension-guides/webview#content-security-policy
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function webviewHtml(page: WebviewPage): string {
  const attrs = Object.entries(page.bodyAttributes ?? {})
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
  const styles = page.styleUris.map((uri) => `<link rel="stylesheet" nonce="${page.nonce}" href="${escapeHtml(uri)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(page.cspSource, page.nonce)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(page.title)}</title>
    ${styles}
  </head>
  <body${attrs}>
    <script nonce="${page.nonce}" src="${escapeHtml(page.scriptUri)}"></script>
  </body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
