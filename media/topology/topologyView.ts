// Draws the Topology panel: a toolbar (namespace and label filters, the last request's outcome) and
// the graph — nodes as buttons placed by the layout, edges as SVG paths beneath them. Elements are
// keyed by id and kept across updates: a status change rewrites a node's text, and only nodes or
// edges coming and going lay the graph out again (existing nodes glide to their new place).
import type { RequestPathMessage, TopologyEdge, TopologyKind, TopologyNode, WebviewMessage } from '../../extension/webviews/protocol/topology';
import { formatCount, h, icon, prefersReducedMotion, setText } from '../common/dom';
import { GraphLayout, nodeHeight, nodeWidth, type Point } from './layout';
import { type Filter, type GraphChange, selectorOf, type TopologyGraph } from './topologyGraph';

const svgNs = 'http://www.w3.org/2000/svg';

const kindIcons: Record<TopologyKind, string> = {
  Ingress: 'globe',
  Service: 'radio-tower',
  Deployment: 'rocket',
  StatefulSet: 'database',
  ReplicaSet: 'layers',
  ReplicationController: 'copy',
  Pod: 'package',
  PodGroup: 'layers-active',
  ConfigMap: 'settings-gear',
  Secret: 'key',
  PersistentVolumeClaim: 'archive',
};

/** How long each hop of a request stays the newest one lit. */
export const hopMs = 350;
/** Layout time per frame for a graph of more than progressiveAbove nodes: it appears over several frames and the page keeps answering clicks; a smaller one appears whole. */
export const layoutBudgetMs = 50;
const progressiveAbove = 300;

export interface TopologyViewOptions {
  readonly post: (message: WebviewMessage) => void;
  readonly filter: Filter;
  readonly onFilterChange: (filter: Filter) => void;
}

export class TopologyView {
  private filter: Filter;
  private readonly namespaceSelect: HTMLSelectElement;
  private readonly selectorInput: HTMLInputElement;
  private readonly summary: HTMLElement;
  private readonly requestResult: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly edgeLayer: SVGSVGElement;
  private readonly nodeLayer: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly nodeElements = new Map<string, HTMLButtonElement>();
  private readonly edgeElements = new Map<string, SVGPathElement>();
  private readonly layout = new GraphLayout();
  /** A frame is booked to lay out the rest of a graph that did not fit in one frame's budget. */
  private continuing = false;
  private menu: HTMLElement | undefined;
  private hopTimers: number[] = [];

  constructor(
    private readonly graph: TopologyGraph,
    private readonly options: TopologyViewOptions,
  ) {
    this.filter = options.filter;
    this.namespaceSelect = h('select', { class: 'namespace', 'aria-label': 'Namespace' });
    this.selectorInput = h('input', { class: 'selector', type: 'text', placeholder: 'Label selector, e.g. app.kubernetes.io/name=web', 'aria-label': 'Label selector', spellcheck: 'false' });
    this.selectorInput.value = this.filter.selector;
    this.summary = h('span', { class: 'summary ks-muted', 'aria-live': 'polite' });
    this.requestResult = h('div', { class: 'request-result', role: 'status', hidden: '' });
    this.edgeLayer = document.createElementNS(svgNs, 'svg');
    this.edgeLayer.classList.add('edges');
    this.edgeLayer.setAttribute('aria-hidden', 'true');
    this.edgeLayer.append(arrowMarker());
    this.nodeLayer = h('div', { class: 'nodes' });
    this.canvas = h('div', { class: 'canvas' });
    this.canvas.append(this.edgeLayer, this.nodeLayer);
    this.empty = h('p', { class: 'empty ks-muted', hidden: '' }, 'No workloads to show. Apply a manifest, or change the filters.');
    const toolbar = h('div', { class: 'toolbar' }, h('label', {}, icon('symbol-namespace'), this.namespaceSelect), h('label', { class: 'selector-label' }, icon('filter'), this.selectorInput), this.summary);
    document.body.append(toolbar, this.requestResult, this.empty, h('div', { class: 'viewport' }, this.canvas));

    this.namespaceSelect.addEventListener('change', () => this.setFilter({ ...this.filter, namespace: this.namespaceSelect.value }));
    this.selectorInput.addEventListener('input', () => this.setFilter({ ...this.filter, selector: this.selectorInput.value }));
    this.nodeLayer.addEventListener('click', (event) => {
      const node = (event.target as Element).closest<HTMLButtonElement>('button.node');
      if (node) this.openMenu(node);
    });
    document.body.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.closeMenu();
    });
    document.addEventListener('click', (event) => {
      if (this.menu && !this.menu.contains(event.target as Node) && !(event.target as Element).closest('button.node')) this.closeMenu();
    });
  }

  /** Brings the page up to date with the graph after a batch of messages. */
  render(change: GraphChange): void {
    this.renderNamespaces();
    const { selector, error } = selectorOf(this.filter.selector);
    this.selectorInput.classList.toggle('invalid', error !== undefined);
    this.selectorInput.title = error ?? '';
    if (change.structural) this.relayout(selector);
    for (const id of change.updated) this.update(id);
  }

  /** Lights the request's hops one after another, then says how it ended. */
  showRequest(message: RequestPathMessage): void {
    for (const timer of this.hopTimers) clearTimeout(timer);
    this.hopTimers = [];
    for (const element of this.canvas.querySelectorAll('.on-path, .path-end')) element.classList.remove('on-path', 'path-end', 'path-ok', 'path-failed');
    this.requestResult.hidden = false;
    this.requestResult.className = `request-result pending`;
    this.requestResult.replaceChildren(icon('send'), h('span', { class: 'request' }, message.request));
    const step = prefersReducedMotion() ? 0 : hopMs;
    const light = (i: number) => {
      const id = message.hops[i]!;
      const previous = message.hops[i - 1];
      const edge = previous !== undefined ? this.graph.edgeBetween(previous, id) : undefined;
      if (edge) this.edgeElements.get(edge.id)?.classList.add('on-path');
      const node = this.nodeElements.get(id);
      node?.classList.add('on-path');
      if (i === message.hops.length - 1) node?.classList.add('path-end', message.ok ? 'path-ok' : 'path-failed');
    };
    const finish = () => {
      this.requestResult.className = `request-result ${message.ok ? 'ok' : 'failed'}`;
      this.requestResult.replaceChildren(icon(message.ok ? 'pass' : 'error'), h('span', { class: 'request' }, message.request), h('span', { class: 'message' }, message.message));
    };
    message.hops.forEach((_, i) => this.hopTimers.push(window.setTimeout(() => light(i), i * step)));
    this.hopTimers.push(window.setTimeout(finish, message.hops.length * step));
  }

  private setFilter(filter: Filter): void {
    this.filter = filter;
    this.options.onFilterChange(filter);
    this.render({ structural: true, updated: new Set() });
  }

  private renderNamespaces(): void {
    const wanted = ['', ...this.graph.namespaces()];
    if (this.filter.namespace && !wanted.includes(this.filter.namespace)) wanted.push(this.filter.namespace);
    const current = [...this.namespaceSelect.options].map((o) => o.value);
    if (current.join('\n') !== wanted.join('\n')) {
      this.namespaceSelect.replaceChildren(...wanted.map((ns) => h('option', { value: ns }, ns || 'All namespaces')));
    }
    this.namespaceSelect.value = this.filter.namespace;
  }

  private relayout(selector: ReturnType<typeof selectorOf>['selector']): void {
    performance.mark('topology-layout-start');
    const visible = this.graph.visible(this.filter, selector);
    const layout = this.layout.layout(visible.nodes, visible.edges, visible.nodes.length > progressiveAbove ? layoutBudgetMs : Infinity);
    performance.measure(layout.complete ? 'topology-layout' : 'topology-layout-partial', 'topology-layout-start');
    if (!layout.complete && !this.continuing) {
      this.continuing = true;
      requestAnimationFrame(() => {
        this.continuing = false;
        this.relayout(selectorOf(this.filter.selector).selector);
      });
    }
    performance.mark('topology-render-start');
    const shownNodes = new Set<string>();
    for (const node of visible.nodes) {
      const at = layout.nodes.get(node.id);
      if (!at) continue;
      shownNodes.add(node.id);
      let element = this.nodeElements.get(node.id);
      if (!element) {
        element = this.createNode(node);
        this.nodeElements.set(node.id, element);
        this.nodeLayer.append(element);
      }
      const transform = `translate(${at.x}px, ${at.y}px)`;
      if (element.style.transform !== transform) element.style.transform = transform;
    }
    for (const [id, element] of this.nodeElements) {
      if (shownNodes.has(id)) continue;
      element.remove();
      this.nodeElements.delete(id);
    }
    const shownEdges = new Set<string>();
    for (const edge of visible.edges) {
      const points = layout.edges.get(edge.id);
      if (!points) continue;
      shownEdges.add(edge.id);
      let path = this.edgeElements.get(edge.id);
      const created = !path;
      if (!path) {
        path = document.createElementNS(svgNs, 'path');
        path.dataset.id = edge.id;
        path.setAttribute('marker-end', 'url(#arrow)');
        this.edgeElements.set(edge.id, path);
        this.edgeLayer.append(path);
      }
      if (created) setEdgeClass(path, edge);
      const d = pathData(points);
      if (path.getAttribute('d') !== d) path.setAttribute('d', d);
    }
    for (const [id, path] of this.edgeElements) {
      if (shownEdges.has(id)) continue;
      path.remove();
      this.edgeElements.delete(id);
    }
    this.edgeLayer.setAttribute('width', String(layout.width));
    this.edgeLayer.setAttribute('height', String(layout.height));
    // Thousands of nodes gliding to new places at once would cost more frames than they are worth.
    this.canvas.classList.toggle('large', visible.nodes.length > progressiveAbove);
    this.canvas.style.width = `${layout.width}px`;
    this.canvas.style.height = `${layout.height}px`;
    this.empty.hidden = visible.nodes.length > 0;
    setText(this.summary, visible.nodes.length === this.graph.nodes.size ? `${formatCount(visible.nodes.length)} objects` : `${formatCount(visible.nodes.length)} of ${formatCount(this.graph.nodes.size)} objects`);
    performance.measure(layout.complete ? 'topology-render' : 'topology-render-partial', 'topology-render-start');
  }

  /** Redraws a node or an edge that changed in place (a pod's status, an endpoint's readiness). */
  private update(id: string): void {
    const node = this.graph.nodes.get(id);
    const element = this.nodeElements.get(id);
    if (node && element) this.fillNode(element, node);
    const edge = this.graph.edges.get(id);
    const path = this.edgeElements.get(id);
    if (edge && path) setEdgeClass(path, edge);
  }

  private createNode(node: TopologyNode): HTMLButtonElement {
    const element = h('button', { class: 'node', 'data-id': node.id, 'data-kind': node.kind, 'aria-haspopup': 'menu' });
    element.style.width = `${nodeWidth}px`;
    element.style.height = `${nodeHeight}px`;
    element.append(icon(kindIcons[node.kind]), h('span', { class: 'node-text' }, h('span', { class: 'node-name' }), h('span', { class: 'node-detail' })));
    this.fillNode(element, node);
    return element;
  }

  private fillNode(element: HTMLButtonElement, node: TopologyNode): void {
    const keep = [...element.classList].filter((c) => c === 'on-path' || c.startsWith('path-'));
    element.className = ['node', `kind-${node.kind.toLowerCase()}`, `status-${node.status}`, ...keep].join(' ');
    const name = node.kind === 'PodGroup' ? `pods ×${node.count ?? 0}` : node.name;
    setText(element.querySelector('.node-name')!, name);
    setText(element.querySelector('.node-detail')!, node.detail);
    const label = `${node.kind === 'PodGroup' ? `Pods of ${node.name}` : node.kind} ${node.namespace}/${name}: ${node.detail}`;
    if (element.title !== label) {
      element.title = label;
      element.setAttribute('aria-label', label);
    }
  }

  private openMenu(element: HTMLButtonElement): void {
    this.closeMenu();
    const id = element.dataset.id!;
    const node = this.graph.nodes.get(id);
    if (!node) return;
    const item = (codicon: string, text: string, message: WebviewMessage) => {
      const button = h('button', { role: 'menuitem' }, icon(codicon), text);
      button.addEventListener('click', () => {
        this.options.post(message);
        this.closeMenu();
      });
      return button;
    };
    const menu = h('div', { class: 'ks-menu node-menu', role: 'menu', 'aria-label': `Actions for ${node.name}`, 'data-id': id });
    menu.append(item('list-tree', 'Reveal in Sidebar', { type: 'reveal', id, target: 'tree' }), item('file-code', 'Show YAML', { type: 'reveal', id, target: 'yaml' }), item('go-to-file', 'Reveal in File', { type: 'reveal', id, target: 'file' }));
    if (node.kind === 'Ingress' || node.kind === 'Service') {
      const path = h('input', { class: 'request-path', type: 'text', value: '/', 'aria-label': node.kind === 'Ingress' ? 'Host and path' : 'Path', spellcheck: 'false' });
      const send = () => {
        this.options.post({ type: 'sendRequest', id, path: path.value.trim() || '/' });
        this.closeMenu();
      };
      path.addEventListener('keydown', (event) => event.key === 'Enter' && send());
      const button = h('button', { role: 'menuitem', class: 'send-request' }, icon('send'), 'Send Request');
      button.addEventListener('click', send);
      menu.append(h('div', { class: 'request-form' }, path), button);
    }
    const box = element.getBoundingClientRect();
    menu.style.left = `${box.left + window.scrollX}px`;
    menu.style.top = `${box.bottom + window.scrollY + 2}px`;
    document.body.append(menu);
    this.menu = menu;
    menu.querySelector<HTMLElement>('button')?.focus();
  }

  private closeMenu(): void {
    this.menu?.remove();
    this.menu = undefined;
  }
}

/** The edge's classes from its data, keeping a request's highlight. */
function setEdgeClass(path: SVGPathElement, edge: TopologyEdge): void {
  const classes = `edge relation-${edge.relation}${edge.ready === false ? ' not-ready' : ''}${path.classList.contains('on-path') ? ' on-path' : ''}`;
  if (path.getAttribute('class') !== classes) path.setAttribute('class', classes);
}

function pathData(points: readonly Point[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${Math.round(p.x)} ${Math.round(p.y)}`).join(' ');
}

function arrowMarker(): SVGDefsElement {
  const defs = document.createElementNS(svgNs, 'defs');
  const marker = document.createElementNS(svgNs, 'marker');
  for (const [name, value] of Object.entries({ id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '8', markerHeight: '8', markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' })) marker.setAttribute(name, value);
  const tip = document.createElementNS(svgNs, 'path');
  tip.setAttribute('d', 'M0 0 L10 5 L0 10 z');
  tip.setAttribute('class', 'arrow-tip');
  marker.append(tip);
  defs.append(marker);
  return defs;
}
