// Places the visible graph with dagre's layered layout, left to right in the direction traffic
// flows: Ingress, Service, pods; the controllers that own the pods and the configuration they use
// to their right (owns edges are laid out from pod to owner, and drawn the other way).
// dagre's cost grows much faster than linearly with the number of disconnected parts of a graph
// (150 apps of 14 objects, in Node: about a minute as one graph, 2 s one app at a time), so each connected
// component is laid out alone, its layout kept until its own nodes or edges change, and the
// components are packed in rows. Components are placed in a fixed order and rows only grow, so a
// layout can be built over several frames (a time budget per frame), each showing more of the graph.
import dagre from '@dagrejs/dagre';
import type { TopologyEdge, TopologyNode } from '../../extension/webviews/protocol/topology';

export const nodeWidth = 200;
export const nodeHeight = 44;
/** Space between packed components, and the widest a row of them grows before the next row starts. */
const gap = 32;
const rowWidth = 2_400;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Layout {
  /** Top-left corner of each node. */
  readonly nodes: ReadonlyMap<string, Point>;
  /** Each edge's polyline, from its source to its target. */
  readonly edges: ReadonlyMap<string, readonly Point[]>;
  readonly width: number;
  readonly height: number;
}

export interface PartialLayout extends Layout {
  /** False when the time budget ran out: the nodes of the components not yet laid out have no place. */
  readonly complete: boolean;
}

interface Component {
  readonly nodes: TopologyNode[];
  readonly edges: TopologyEdge[];
}

export class GraphLayout {
  /** Component layouts by the ids of their nodes and edges: reused while a component is unchanged. */
  private cache = new Map<string, Layout>();

  /** Lays out what `budgetMs` allows beyond the components laid out before (all of it without a budget). */
  layout(nodes: readonly TopologyNode[], edges: readonly TopologyEdge[], budgetMs = Infinity): PartialLayout {
    const deadline = performance.now() + budgetMs;
    const next = new Map<string, Layout>();
    let complete = true;
    const placedNodes = new Map<string, Point>();
    const placedEdges = new Map<string, readonly Point[]>();
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    let width = 0;
    for (const component of components(nodes, edges)) {
      const key = [...component.nodes.map((n) => n.id), '', ...component.edges.map((e) => `${e.id}:${e.relation}`)].join('\n');
      const cached = this.cache.get(key);
      if (!cached && performance.now() > deadline) {
        // Keep what is already laid out beyond this point for the next frame.
        for (const [k, v] of this.cache) if (!next.has(k)) next.set(k, v);
        complete = false;
        break;
      }
      const layout = cached ?? layoutComponent(component);
      next.set(key, layout);
      if (x > 0 && x + layout.width > rowWidth) {
        x = 0;
        y += rowHeight + gap;
        rowHeight = 0;
      }
      for (const [id, at] of layout.nodes) placedNodes.set(id, { x: at.x + x, y: at.y + y });
      for (const [id, points] of layout.edges) placedEdges.set(id, points.map((p) => ({ x: p.x + x, y: p.y + y })));
      x += layout.width + gap;
      width = Math.max(width, x - gap);
      rowHeight = Math.max(rowHeight, layout.height);
    }
    this.cache = next;
    return { nodes: placedNodes, edges: placedEdges, width, height: y + rowHeight, complete };
  }
}

/** The connected components (union-find over the edges), in a stable order: by namespace, then first node id. */
function components(nodes: readonly TopologyNode[], edges: readonly TopologyEdge[]): Component[] {
  const parent = new Map<string, string>(nodes.map((n) => [n.id, n.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let at = id; at !== root; ) {
      const up = parent.get(at)!;
      parent.set(at, root);
      at = up;
    }
    return root;
  };
  for (const edge of edges) if (parent.has(edge.source) && parent.has(edge.target)) parent.set(find(edge.source), find(edge.target));
  const byRoot = new Map<string, Component>();
  for (const node of [...nodes].sort((a, b) => (a.namespace === b.namespace ? (a.id < b.id ? -1 : 1) : a.namespace < b.namespace ? -1 : 1))) {
    const root = find(node.id);
    let component = byRoot.get(root);
    if (!component) byRoot.set(root, (component = { nodes: [], edges: [] }));
    component.nodes.push(node);
  }
  for (const edge of [...edges].sort((a, b) => (a.id < b.id ? -1 : 1))) if (parent.has(edge.source) && parent.has(edge.target)) byRoot.get(find(edge.source))!.edges.push(edge);
  return [...byRoot.values()];
}

function layoutComponent({ nodes, edges }: Component): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 64, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: nodeWidth, height: nodeHeight });
  for (const edge of edges) {
    if (edge.relation === 'owns') g.setEdge(edge.target, edge.source);
    else g.setEdge(edge.source, edge.target);
  }
  dagre.layout(g);
  const placed = new Map<string, Point>();
  for (const node of nodes) {
    const { x, y } = g.node(node.id) as { x: number; y: number };
    placed.set(node.id, { x: Math.round(x - nodeWidth / 2), y: Math.round(y - nodeHeight / 2) });
  }
  const lines = new Map<string, Point[]>();
  for (const edge of edges) {
    const reversed = edge.relation === 'owns';
    const points = ((reversed ? g.edge(edge.target, edge.source) : g.edge(edge.source, edge.target))?.points ?? []) as Point[];
    lines.set(edge.id, reversed ? [...points].reverse() : points);
  }
  const { width = 0, height = 0 } = g.graph();
  return { nodes: placed, edges: lines, width, height };
}
