// Draws the dashboard from its state, touching only what a frame's messages changed: node cards,
// pod chips (the same element follows a pod through phase changes and moves between nodes, entering
// and leaving with short transitions), counts per phase, the phase chart and recent events.
import { type NodeAction, type PodChip, podPhases, type WebviewMessage } from '../../extension/webviews/protocol/dashboard';
import { formatCount, h, icon, prefersReducedMotion, setText } from '../common/dom';
import { type DashboardState, type Dirty, noDirt, unscheduled } from './dashboardState';
import { NodeCard } from './nodeCard';
import { PhaseChart } from './phaseChart';

/** Chips drawn per node at most; the rest are counted in a "+N" chip. */
export const chipsPerNode = 60;
/** Chips drawn in all, so that many nodes share out fewer each: 10k pods stay a few thousand elements. */
const chipBudget = 3_000;
const minChipsPerNode = 12;

export function chipCap(nodeCount: number): number {
  return Math.max(minChipsPerNode, Math.min(chipsPerNode, Math.floor(chipBudget / Math.max(1, nodeCount))));
}
/** Beyond this many pod changes in a frame, chips change without transitions (a scale-up stays smooth). */
const animatedChangesPerFrame = 150;

export interface ViewOptions {
  readonly post: (message: WebviewMessage) => void;
  /** The namespace the view shows, undefined for all. */
  namespace: string | undefined;
  readonly onNamespaceChange: (namespace: string | undefined) => void;
}

export class DashboardView {
  private readonly cards = new Map<string, NodeCard>();
  private readonly chipElements = new Map<string, HTMLElement>();
  private readonly grid = h('section', { class: 'nodes', 'aria-label': 'Nodes' });
  private readonly counts = h('div', { class: 'counts', role: 'status' });
  private readonly nodeCount = h('span', { class: 'node-count ks-muted' });
  private readonly namespaceSelect = h('select', { class: 'namespace', 'aria-label': 'Namespace' });
  private readonly chart = new PhaseChart();
  private readonly eventList = h('ol', { class: 'events' });
  private menu: HTMLElement | undefined;
  private cap = chipsPerNode;

  constructor(
    private readonly state: DashboardState,
    private readonly options: ViewOptions,
  ) {
    const summary = h('header', { class: 'summary' }, h('div', { class: 'summary-text' }, h('h1', {}, 'Cluster'), this.nodeCount, this.counts, this.namespaceSelect), this.chart.element);
    const events = h('section', { class: 'recent-events', 'aria-label': 'Recent events' }, h('h2', {}, icon('bell'), ' Recent events'), this.eventList);
    document.body.append(summary, this.grid, events);
    this.namespaceSelect.addEventListener('change', () => {
      const value = this.namespaceSelect.value;
      this.options.namespace = value === '*' ? undefined : value;
      this.options.onNamespaceChange(this.options.namespace);
      this.render({ ...noDirt(), reset: true });
    });
    document.body.addEventListener('click', (event) => this.onClick(event));
    document.body.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || !this.menu) return;
      // Back to the button that opened the menu, as VS Code's own menus do.
      const button = this.cards.get(this.menu.dataset.node!)?.menuButton;
      this.closeMenu();
      button?.focus();
    });
  }

  render(dirty: Dirty): void {
    const state = this.state;
    const animate = !dirty.reset && dirty.nodes.size + dirty.pods.size + dirty.removedPods.size <= animatedChangesPerFrame && !prefersReducedMotion();
    if (dirty.reset) {
      this.closeMenu();
      for (const card of this.cards.values()) card.element.remove();
      this.cards.clear();
      this.chipElements.clear();
      for (const name of state.nodes.keys()) dirty.nodes.add(name);
      if (state.podsByNode.has(unscheduled)) dirty.nodes.add(unscheduled);
    }
    for (const name of dirty.removedNodes) {
      const card = this.cards.get(name);
      if (!card) continue;
      for (const uid of card.rendered) this.chipElements.delete(uid);
      card.element.remove();
      this.cards.delete(name);
    }
    const cap = chipCap(state.nodes.size);
    if (cap !== this.cap) {
      this.cap = cap;
      for (const name of this.cards.keys()) dirty.nodes.add(name);
    }
    this.grid.classList.toggle('animated', animate);
    this.renderChips(dirty, animate);
    for (const uid of dirty.pods) {
      const pod = state.pods.get(uid);
      const chip = this.chipElements.get(uid);
      if (pod && chip) updateChip(chip, pod);
    }
    if (dirty.reset || dirty.nodes.size || dirty.removedNodes.size) this.renderNodeCount();
    if (dirty.reset || dirty.counts) this.renderCounts();
    if (dirty.reset || dirty.history) this.chart.update(state.history);
    if (dirty.reset || dirty.events) this.renderEvents();
  }

  private renderChips(dirty: Dirty, animate: boolean): void {
    const state = this.state;
    const namespace = this.options.namespace;
    /** Chips taken out of a lane this frame: reused if their pod shows up in another lane. */
    const loose = new Map<string, HTMLElement>();
    const wanted = new Map<string, PodChip[]>();
    for (const name of dirty.nodes) {
      const summary = state.nodes.get(name);
      const pods = state.podsByNode.get(name);
      let card = this.cards.get(name);
      if (!summary && name !== unscheduled) continue;
      if (name === unscheduled && !pods?.size) {
        if (card) {
          for (const uid of card.rendered) loose.set(uid, this.chipElements.get(uid)!);
          card.element.remove();
          this.cards.delete(name);
        }
        continue;
      }
      if (!card) {
        card = new NodeCard(name, state.nodeActions);
        this.cards.set(name, card);
        this.placeCard(card);
      }
      if (summary) card.update(summary);
      const shown: PodChip[] = [];
      const hidden: PodChip[] = [];
      for (const pod of pods?.values() ?? []) {
        if (namespace !== undefined && pod.namespace !== namespace) continue;
        (shown.length < this.cap ? shown : hidden).push(pod);
      }
      card.updateOverflow(hidden);
      wanted.set(name, shown);
      const keep = new Set(shown.map((p) => p.uid));
      for (const uid of card.rendered) {
        if (keep.has(uid)) continue;
        card.rendered.delete(uid);
        loose.set(uid, this.chipElements.get(uid)!);
      }
    }
    for (const [name, shown] of wanted) {
      const card = this.cards.get(name)!;
      for (const pod of shown) {
        let chip = this.chipElements.get(pod.uid);
        if (!card.rendered.has(pod.uid)) {
          const moved = loose.get(pod.uid);
          loose.delete(pod.uid);
          chip = moved ?? h('span', { class: 'chip', role: 'listitem', 'data-uid': pod.uid });
          this.chipElements.set(pod.uid, chip);
          card.chips.append(chip);
          card.rendered.add(pod.uid);
          if (animate) replay(chip, moved ? 'moved' : 'entering');
        }
        updateChip(chip!, pod);
      }
    }
    for (const [uid, chip] of loose) {
      this.chipElements.delete(uid);
      if (animate && dirty.removedPods.has(uid)) {
        chip.classList.add('leaving');
        chip.addEventListener('animationend', () => chip.remove(), { once: true });
      } else chip.remove();
    }
  }

  /** Control-plane nodes first, then by name; the unscheduled lane last. */
  private placeCard(card: NodeCard): void {
    const rank = (c: NodeCard) => (c.name === unscheduled ? '2' : this.state.nodes.get(c.name)?.role === 'control-plane' ? '0' : '1') + c.name;
    const after = [...this.cards.values()].filter((c) => c !== card && c.element.isConnected && rank(c) > rank(card)).sort((a, b) => (rank(a) < rank(b) ? -1 : 1))[0];
    this.grid.insertBefore(card.element, after?.element ?? null);
  }

  private renderNodeCount(): void {
    const nodes = [...this.state.nodes.values()];
    setText(this.nodeCount, `${nodes.length} nodes, ${nodes.filter((n) => n.ready).length} ready`);
  }

  private renderCounts(): void {
    const counts = this.state.counts(this.options.namespace);
    if (!this.counts.childElementCount) {
      this.counts.append(...podPhases.map((phase) => h('span', { class: `count phase-${phase.toLowerCase()}`, 'data-phase': phase }, h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'count-value' }), ` ${phase}`)));
    }
    podPhases.forEach((phase, i) => {
      const element = this.counts.querySelector<HTMLElement>(`[data-phase="${phase}"]`)!;
      setText(element.querySelector('.count-value')!, formatCount(counts[i]!));
      // Succeeded and Unknown only matter when there are some; Running, Pending and Failed always show.
      element.hidden = counts[i] === 0 && (phase === 'Succeeded' || phase === 'Unknown');
    });
    const namespaces = this.state.namespaces();
    const selected = this.options.namespace;
    if (selected !== undefined && !namespaces.includes(selected)) namespaces.push(selected);
    const values = ['*', ...namespaces];
    const current = [...this.namespaceSelect.options].map((o) => o.value);
    if (current.join('\n') !== values.join('\n')) {
      this.namespaceSelect.replaceChildren(...values.map((v) => h('option', { value: v }, v === '*' ? 'All namespaces' : v)));
    }
    this.namespaceSelect.value = selected ?? '*';
  }

  private renderEvents(): void {
    const items = [...this.state.events].reverse().map((e) => {
      const time = new Date(e.time).toLocaleTimeString(undefined, { hour12: false });
      const object = e.kind === 'Pod' || e.kind === 'Node'
        ? h('button', { class: 'event-object', 'data-reveal': e.kind, 'data-namespace': e.namespace || undefined, 'data-name': e.name }, `${e.kind.toLowerCase()}/${e.name}`)
        : h('span', { class: 'event-object' }, `${e.kind.toLowerCase()}/${e.name}`);
      return h('li', { class: `event event-${e.type.toLowerCase()}` }, icon(e.type === 'Warning' ? 'warning' : 'info'), h('time', { class: 'ks-muted' }, time), h('span', { class: 'event-reason' }, e.reason), object, h('span', { class: 'event-message' }, e.count > 1 ? `${e.message} (×${e.count})` : e.message));
    });
    this.eventList.replaceChildren(...(items.length ? items : [h('li', { class: 'ks-muted' }, 'No events yet')]));
  }

  private onClick(event: MouseEvent): void {
    const target = event.target as Element;
    const menuItem = target.closest<HTMLElement>('.ks-menu [data-action]');
    if (menuItem) {
      this.options.post({ type: 'nodeAction', node: menuItem.dataset.node!, action: menuItem.dataset.action as NodeAction });
      this.closeMenu();
      return;
    }
    const menuButton = target.closest<HTMLButtonElement>('.node-menu');
    if (menuButton) {
      const open = this.menu?.dataset.node === menuButton.dataset.node;
      this.closeMenu();
      if (!open) this.openMenu(menuButton);
      return;
    }
    this.closeMenu();
    const chip = target.closest<HTMLElement>('.chip[data-uid]');
    const pod = chip && this.state.pods.get(chip.dataset.uid!);
    if (pod) {
      this.options.post({ type: 'reveal', kind: 'Pod', namespace: pod.namespace, name: pod.name });
      return;
    }
    const reveal = target.closest<HTMLElement>('[data-reveal]');
    if (reveal) {
      const kind = reveal.dataset.reveal === 'Pod' ? 'Pod' : 'Node';
      this.options.post({ type: 'reveal', kind, ...(reveal.dataset.namespace ? { namespace: reveal.dataset.namespace } : {}), name: reveal.dataset.name! });
    }
  }

  private openMenu(button: HTMLButtonElement): void {
    const name = button.dataset.node!;
    const node = this.state.nodes.get(name);
    if (!node) return;
    const item = (action: NodeAction, codicon: string, label: string) => h('button', { role: 'menuitem', 'data-action': action, 'data-node': name }, icon(codicon), label);
    this.menu = h(
      'div',
      { class: 'ks-menu node-actions', role: 'menu', 'aria-label': `Actions for ${name}`, 'data-node': name },
      node.cordoned ? item('uncordon', 'unlock', 'Uncordon') : item('cordon', 'lock', 'Cordon'),
      item('drain', 'export', 'Drain'),
      node.failed ? item('recover', 'debug-restart', 'Recover') : item('fail', 'debug-disconnect', 'Fail'),
    );
    button.setAttribute('aria-expanded', 'true');
    const card = button.closest('.node-card')!;
    card.classList.add('menu-open');
    card.append(this.menu);
    this.menu.querySelector('button')!.focus();
  }

  private closeMenu(): void {
    if (!this.menu) return;
    const card = this.cards.get(this.menu.dataset.node!);
    card?.menuButton?.setAttribute('aria-expanded', 'false');
    card?.element.classList.remove('menu-open');
    this.menu.remove();
    this.menu = undefined;
  }
}

function updateChip(chip: HTMLElement, pod: PodChip): void {
  const className = `chip phase-${pod.phase.toLowerCase()}${pod.ready ? ' ready' : ''}${pod.status === 'Terminating' || pod.status === 'Unknown' ? ' terminating' : ''}`;
  const label = `${pod.namespace}/${pod.name}: ${pod.status}`;
  if (chip.dataset.state === className + label) return;
  chip.dataset.state = className + label;
  // Keep a transition class that is still playing.
  const playing = ['entering', 'moved'].filter((c) => chip.classList.contains(c));
  chip.className = [className, ...playing].join(' ');
  chip.title = label;
  chip.setAttribute('aria-label', label);
}

/** Restarts a CSS animation class on an element, removing it when it ends. */
function replay(element: HTMLElement, className: string): void {
  element.classList.remove('entering', 'moved');
  element.classList.add(className);
  element.addEventListener('animationend', () => element.classList.remove(className), { once: true });
}
