// The graph as the page holds it: every node and edge the extension sent, kept by id, and the part
// of it a filter shows. DOM-free, so what is visible can be reasoned about apart from drawing.
import type { ChangesMessage, InitMessage, TopologyEdge, TopologyNode } from '../../extension/webviews/protocol/topology';
import { type LabelMatcher, parseLabelSelector } from './labelFilter';

export interface Filter {
  /** '' for all namespaces. */
  readonly namespace: string;
  /** A label selector in kubectl's syntax (`app.kubernetes.io/name=web,tier!=db`); '' for none. */
  readonly selector: string;
}

export interface VisibleGraph {
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}

/** What a batch of messages did: whether nodes or edges came or went (a new layout), and which nodes and edges changed in place. */
export interface GraphChange {
  structural: boolean;
  readonly updated: Set<string>;
}

export function noChange(): GraphChange {
  return { structural: false, updated: new Set() };
}

export class TopologyGraph {
  readonly nodes = new Map<string, TopologyNode>();
  readonly edges = new Map<string, TopologyEdge>();

  apply(message: InitMessage | ChangesMessage, change: GraphChange): void {
    if (message.type === 'init') {
      this.nodes.clear();
      this.edges.clear();
      change.structural = true;
    }
    for (const node of message.nodes) {
      if (!this.nodes.has(node.id)) change.structural = true;
      else change.updated.add(node.id);
      this.nodes.set(node.id, node);
    }
    for (const edge of message.edges) {
      const old = this.edges.get(edge.id);
      // An endpoint turning ready or not redraws the edge only; any other edge is new.
      if (!old || old.source !== edge.source || old.target !== edge.target) change.structural = true;
      else change.updated.add(edge.id);
      this.edges.set(edge.id, edge);
    }
    if (message.type === 'changes') {
      for (const id of message.removed) {
        if (this.nodes.delete(id) || this.edges.delete(id)) change.structural = true;
        change.updated.delete(id);
      }
    }
  }

  namespaces(): string[] {
    return [...new Set([...this.nodes.values()].map((n) => n.namespace))].sort();
  }

  /** An edge between two nodes in either direction (a request walks owns edges backwards). */
  edgeBetween(a: string, b: string): TopologyEdge | undefined {
    return this.edges.get(`${a}>${b}`) ?? this.edges.get(`${b}>${a}`);
  }

  /**
   * The nodes of the namespace that match the selector, with their direct neighbours so a matching
   * pod still shows the Service that sends it traffic and the ConfigMaps it reads; and the edges among them.
   */
  visible(filter: Filter, selector: LabelMatcher | undefined): VisibleGraph {
    const inNamespace = (n: TopologyNode) => !filter.namespace || n.namespace === filter.namespace;
    let shown: Set<string>;
    if (!selector) {
      shown = new Set([...this.nodes.values()].filter(inNamespace).map((n) => n.id));
    } else {
      const matched = new Set([...this.nodes.values()].filter((n) => inNamespace(n) && selector(n.labels)).map((n) => n.id));
      shown = new Set(matched);
      for (const edge of this.edges.values()) {
        if (matched.has(edge.source) && this.nodes.has(edge.target)) shown.add(edge.target);
        if (matched.has(edge.target) && this.nodes.has(edge.source)) shown.add(edge.source);
      }
    }
    const nodes = [...shown].map((id) => this.nodes.get(id)!);
    const edges = [...this.edges.values()].filter((e) => shown.has(e.source) && shown.has(e.target));
    return { nodes, edges };
  }
}

/** The selector typed in the filter box, or the parse error kubectl would print for it. */
export function selectorOf(text: string): { selector?: LabelMatcher; error?: string } {
  try {
    const selector = parseLabelSelector(text);
    return selector ? { selector } : {};
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
