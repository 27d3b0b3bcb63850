// One node's card: its name, role and state, requested vs allocatable cpu, memory and pods as bars,
// and a container the view fills with the node's pod chips (capped, with a "+N" chip beyond).
import type { NodeResources, NodeSummary, PodChip } from '../../extension/webviews/protocol/dashboard';
import { formatBytes, formatCount, formatCpu, h, icon, setText } from '../common/dom';
import { unscheduled } from './dashboardState';

const resources: readonly { key: keyof NodeResources; label: string; format: (n: number) => string }[] = [
  { key: 'cpu', label: 'CPU', format: formatCpu },
  { key: 'memory', label: 'Memory', format: formatBytes },
  { key: 'pods', label: 'Pods', format: formatCount },
];

interface Bar {
  readonly fill: HTMLElement;
  readonly value: HTMLElement;
}

export class NodeCard {
  readonly element: HTMLElement;
  readonly chips: HTMLElement;
  /** Uids of the pods that have a chip in this card (not counting chips on their way out). */
  readonly rendered = new Set<string>();
  private readonly badges: HTMLElement;
  private readonly bars = new Map<keyof NodeResources, Bar>();
  private readonly overflow: HTMLElement;
  readonly menuButton: HTMLButtonElement | undefined;

  constructor(
    readonly name: string,
    nodeActions: boolean,
  ) {
    const lane = name === unscheduled;
    this.badges = h('span', { class: 'badges' });
    this.chips = h('div', { class: 'chips', role: 'list', 'aria-label': lane ? 'Unscheduled pods' : `Pods on ${name}` });
    this.overflow = h('span', { class: 'chip-more', hidden: '' });
    const title = lane
      ? h('span', { class: 'node-name' }, 'Unscheduled')
      : h('button', { class: 'node-name', 'data-reveal': 'Node', 'data-name': name, title: `Reveal node ${name}` }, name);
    const header = h('header', {}, icon(lane ? 'watch' : 'server'), title, this.badges);
    if (nodeActions && !lane) {
      this.menuButton = h('button', { class: 'ks-icon-button node-menu', 'aria-haspopup': 'menu', 'aria-label': `Actions for ${name}`, title: 'Node actions', 'data-node': name }, icon('kebab-vertical'));
      header.append(this.menuButton);
    }
    const body = h('div', { class: 'bars' });
    if (!lane) {
      for (const r of resources) {
        const fill = h('span', { class: 'fill' });
        const value = h('span', { class: 'bar-value' });
        body.append(h('span', { class: 'bar-label' }, r.label), h('span', { class: 'bar', role: 'presentation' }, fill), value);
        this.bars.set(r.key, { fill, value });
      }
    }
    this.element = h('article', { class: lane ? 'node-card unscheduled' : 'node-card', 'data-node': name }, header, body, h('div', { class: 'chip-area' }, this.chips, this.overflow));
  }

  update(node: NodeSummary): void {
    const card = this.element;
    card.classList.toggle('control-plane', node.role === 'control-plane');
    card.classList.toggle('not-ready', !node.ready);
    card.classList.toggle('cordoned', node.cordoned);
    const header = card.querySelector('header > .codicon')!;
    header.className = `codicon codicon-${node.role === 'control-plane' ? 'server-process' : 'server'}`;
    const badges = [
      node.role === 'control-plane' ? badge('role', 'control-plane') : undefined,
      node.ready ? badge('ready', 'Ready') : badge('not-ready', 'NotReady'),
      node.cordoned ? badge('cordoned', 'SchedulingDisabled') : undefined,
      node.failed ? badge('failed', 'kubelet stopped') : undefined,
    ].filter((b): b is HTMLElement => !!b);
    const text = badges.map((b) => b.textContent).join(',');
    if (this.badges.dataset.text !== text) {
      this.badges.dataset.text = text;
      this.badges.replaceChildren(...badges);
    }
    for (const r of resources) {
      const bar = this.bars.get(r.key)!;
      const requested = node.requested[r.key];
      const allocatable = node.allocatable[r.key];
      const share = allocatable > 0 ? requested / allocatable : 0;
      // CSSOM, not a style attribute: the CSP forbids inline style markup but not this.
      bar.fill.style.setProperty('--fill', String(Math.min(1, share)));
      bar.fill.classList.toggle('high', share >= 0.8 && share <= 1);
      bar.fill.classList.toggle('over', share > 1);
      setText(bar.value, `${r.format(requested)} / ${r.format(allocatable)}`);
    }
  }

  /** The "+N" chip for pods beyond the cap, with their phases in its tooltip. */
  updateOverflow(hidden: readonly PodChip[]): void {
    this.overflow.hidden = hidden.length === 0;
    if (!hidden.length) return;
    setText(this.overflow, `+${formatCount(hidden.length)}`);
    const byStatus = new Map<string, number>();
    for (const pod of hidden) byStatus.set(pod.status, (byStatus.get(pod.status) ?? 0) + 1);
    this.overflow.title = `${formatCount(hidden.length)} more pods: ${[...byStatus].map(([s, n]) => `${formatCount(n)} ${s}`).join(', ')}`;
  }
}

function badge(kind: string, text: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}` }, text);
}
