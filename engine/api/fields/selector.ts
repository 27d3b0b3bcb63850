// Field selectors as k8s.io/apimachinery/pkg/fields has them: `metadata.name=web,status.phase!=Running`,
// `==` as a synonym of `=`, and backslash escapes for `\`, `,` and `=` inside values.

/** The selectable fields of one object, as strings (`spec.hostNetwork` is "true"/"false"). */
export type Fields = Readonly<Record<string, string>>;

export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/** A field selector parse failure; the message is apimachinery's. */
export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

/** fields.EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.UnescapeValue; its errors print the offending rune as Go's `%v` does, i.e. as a number. */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped; the escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator from the left; at one position `!=` and `==` win over `=`. */
function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** fields.Selector: an AND of `field=value` and `field!=value` terms. */
export class FieldSelector {
  constructor(private readonly reqs: readonly FieldRequirement[]) {}

  matches(fields: Fields): boolean {
    for (const r of this.reqs) {
      const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field]! : '';
      if ((v === r.value) !== (r.operator === '=')) return false;
    }
    return true;
  }

  empty(): boolean {
    return this.reqs.length === 0;
  }

  requirements(): readonly FieldRequirement[] {
    return this.reqs;
  }

  /** The value `field` must equal, when a `field=value` term says so (used to narrow a list, e.g. by spec.nodeName). */
  requiresExactMatch(field: string): string | undefined {
    return this.reqs.find((r) => r.field === field && r.operator === '=')?.value;
  }

  /** Rewrites every term (a per-kind label conversion); errors thrown by `fn` propagate. */
  transform(fn: (field: string, value: string) => [string, string]): FieldSelector {
    return new FieldSelector(this.reqs.map((r) => {
      const [field, value] = fn(r.field, r.value);
      return { field, operator: r.operator, value };
    }));
  }

  toString(): string {
    return this.reqs.map((r) => `${r.field}${r.operator}${escapeValue(r.value)}`).join(',');
  }
}

const everythingSelector = new FieldSelector([]);

export function everything(): FieldSelector {
  return everythingSelector;
}

/** fields.ParseSelector: `?fieldSelector=` and `kubectl --field-selector`. Terms are sorted. */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    reqs.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeValue(rhs) });
  }
  return new FieldSelector(reqs);
}

/** fields.SelectorFromSet / OneTermEqualSelector. */
export function fieldSelectorFromSet(set: Fields): FieldSelector {
  return new FieldSelector(Object.keys(set).map((field) => ({ field, operator: '=' as const, value: set[field]! })));
}
