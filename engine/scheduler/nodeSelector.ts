// Node selector terms as component-helpers' nodeaffinity evaluates them: terms are ORed, the
// requirements inside a term ANDed; matchFields only knows metadata.name. Compiled once per pod so
// that matching a node is a few comparisons.
import type { NodeSelector, NodeSelectorRequirement, NodeSelectorTerm } from 'kubernetes-types/core/v1';

export type Labels = Readonly<Record<string, string>>;
export type NodeMatcher = (labels: Labels, nodeName: string) => boolean;

const never: NodeMatcher = () => false;

function requirement(r: NodeSelectorRequirement, value: (labels: Labels, name: string) => string | undefined): NodeMatcher | undefined {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': {
      const set = new Set(values);
      return (l, n) => { const v = value(l, n); return v !== undefined && set.has(v); };
    }
    case 'NotIn': {
      const set = new Set(values);
      return (l, n) => { const v = value(l, n); return v === undefined || !set.has(v); };
    }
    case 'Exists':
      return (l, n) => value(l, n) !== undefined;
    case 'DoesNotExist':
      return (l, n) => value(l, n) === undefined;
    case 'Gt':
    case 'Lt': {
      // Exactly one integer value; anything else makes the requirement (and so its term) invalid.
      if (values.length !== 1 || !/^-?\d+$/.test(values[0]!)) return undefined;
      const bound = Number(values[0]);
      const gt = r.operator === 'Gt';
      return (l, n) => {
        const v = value(l, n);
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        return gt ? Number(v) > bound : Number(v) < bound;
      };
    }
    default:
      return undefined;
  }
}

/** One term; an empty term, or one with an invalid requirement, matches no node. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): NodeMatcher {
  const matchers: NodeMatcher[] = [];
  for (const r of term.matchExpressions ?? []) {
    const m = requirement(r, (l) => (Object.prototype.hasOwnProperty.call(l, r.key) ? l[r.key] : undefined));
    if (!m) return never;
    matchers.push(m);
  }
  for (const r of term.matchFields ?? []) {
    if (r.key !== 'metadata.name') return never;
    const m = requirement(r, (_l, name) => name);
    if (!m) return never;
    matchers.push(m);
  }
  if (matchers.length === 0) return never;
  if (matchers.length === 1) return matchers[0]!;
  return (l, n) => {
    for (let i = 0; i < matchers.length; i++) if (!matchers[i]!(l, n)) return false;
    return true;
  };
}

/** A whole NodeSelector: any term matches. No terms match nothing. */
export function compileNodeSelector(selector: NodeSelector): NodeMatcher {
  const terms = (selector.nodeSelectorTerms ?? []).map(compileNodeSelectorTerm);
  if (terms.length === 0) return never;
  if (terms.length === 1) return terms[0]!;
  return (l, n) => {
    for (let i = 0; i < terms.length; i++) if (terms[i]!(l, n)) return true;
    return false;
  };
}
