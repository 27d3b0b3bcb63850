// The label filter's selector, in kubectl's syntax: `app=web`, `tier!=db`, `env in (prod,staging)`,
// `track notin (canary)`, `app` (has the label), `!canary` (lacks it), joined by commas.
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
// (The engine's own parser checks names with Node's Buffer, which a webview does not have.)

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

const requirement = /^\s*(?:(!)\s*([\w./-]+)|([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*)|\s(in|notin)\s*\(([^)]*)\))?)\s*$/;

/** A matcher for the selector, undefined for an empty one; throws a message saying which part is not a requirement. */
export function parseLabelSelector(text: string): LabelMatcher | undefined {
  const parts = splitRequirements(text.trim());
  if (!parts.length) return undefined;
  const tests = parts.map((part): LabelMatcher => {
    const m = requirement.exec(part);
    if (!m) throw new Error(`unable to parse requirement: ${part.trim()}`);
    const [, not, absent, key, operator, value, setOperator, set] = m;
    if (not) return (labels) => !(absent! in labels);
    if (setOperator) {
      const values = new Set(set!.split(',').map((v) => v.trim()));
      return setOperator === 'in' ? (labels) => key! in labels && values.has(labels[key!]!) : (labels) => !(key! in labels) || !values.has(labels[key!]!);
    }
    if (operator === '!=') return (labels) => labels[key!] !== value;
    if (operator) return (labels) => labels[key!] === value;
    return (labels) => key! in labels;
  });
  return (labels) => tests.every((test) => test(labels));
}

/** Splits on the commas between requirements, not those inside `in (a,b)`. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.length) parts.push(text.slice(start));
  if (depth !== 0) throw new Error(`unbalanced parentheses in ${text}`);
  return parts;
}
