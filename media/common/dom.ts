// Small DOM helpers shared by the panels: element creation without innerHTML (so text from the
// cluster is never parsed as markup), codicons, and the number formats kubectl uses.

type Attributes = Readonly<Record<string, string | undefined>>;

/** `h('div', { class: 'card', title: 'x' }, child, 'text')`; undefined attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A codicon (https://microsoft.github.io/vscode-codicons/), hidden from screen readers. */
export function icon(name: string): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** Replaces the text of an element only when it differs, to spare layout work on every update. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Milli-CPU as kubectl prints requests: `250m`, `2`, `1.5`. */
export function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : milli < 1000 ? `${milli}m` : String(Math.round(milli / 100) / 10);
}

const binaryUnits = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];

/** Bytes in binary units: `64Mi`, `1.5Gi`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < binaryUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Math.round(value * 10) / 10}${binaryUnits[unit]}`;
}

const grouped = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return grouped.format(n);
}

/** Whether the user asked for less motion: transitions are then skipped, not just shortened. */
export function prefersReducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
