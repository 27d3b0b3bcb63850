// Label selectors as k8s.io/apimachinery/pkg/labels has them: the string syntax
// (`app=web,tier in (a,b),!canary`), requirements, canonical printing and matching. Matching runs
// pods × selectors times, so each requirement is compiled once into a small closure.
import { fieldError, type FieldError, formatFieldError } from '../errors';
import { isQualifiedName, isValidLabelValue } from '../validation/names';

/** selection.Operator: the text is what Kubernetes uses internally (`gt`, `exists`, …). */
export type Operator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

export type Labels = Readonly<Record<string, string>>;

const binaryOperators: Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const validOperators: Operator[] = [...binaryOperators, 'exists', '!'];

/** A label selector parse or validation failure; the message is apimachinery's, word for word. */
export class LabelSelectorError extends Error {
  constructor(message: string, readonly errors: readonly FieldError[] = []) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

/** One requirement: `key op values`. Values keep the order they were given; printing sorts them. */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** field.Path printing: a nil path prints as `<nil>`, which kubectl users do see. */
function pathText(path: string | undefined, child?: string): string {
  if (child === undefined) return path ?? '<nil>';
  return path ? `${path}.${child}` : child;
}

/** utilerrors.Aggregate's text: one error alone, several in brackets. */
function aggregate(errors: FieldError[]): string {
  const msgs = [...new Set(errors.map(formatFieldError))];
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

function validateLabelKey(key: string, path: string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? fieldError.invalid(path, key, errs.join('; ')) : undefined;
}

/**
 * labels.NewRequirement: checks the key, the operator and the number and syntax of the values.
 * `path` prefixes field paths (`spec.selector`); parse errors use none.
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[], path?: string): Requirement {
  const errors: FieldError[] = [];
  const keyErr = validateLabelKey(key, pathText(path, 'key'));
  if (keyErr) errors.push(keyErr);
  const valuePath = pathText(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errors.push(fieldError.invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errors.push(fieldError.invalid(valuePath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errors.push(fieldError.invalid(valuePath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errors.push(fieldError.invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errors.push(fieldError.invalid(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errors.push(fieldError.notSupported(pathText(path, 'operator'), operator, validOperators));
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errors.push(fieldError.invalid(`${valuePath}[${i}][${key}]`, v, msgs.join('; ')));
  });
  if (errors.length) throw new LabelSelectorError(aggregate(errors), errors);
  return { key, operator, values: [...values] };
}

/** Requirement.String(): `!a`, `a`, `a=b`, `a in (x,y)` with the values sorted. */
export function requirementString(r: Requirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key;
  switch (r.operator) {
    case '=':
    case '==':
    case '!=':
      s += r.operator;
      break;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    default:
      return s;
  }
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${values})` : s + values;
}

type Matcher = (labels: Labels) => boolean;

const hasOwn = Object.prototype.hasOwnProperty;

/** Compiles one requirement; a label value is looked up once and compared without allocating. */
function compile(r: Requirement): Matcher {
  const { key } = r;
  const value = (labels: Labels): string | undefined => {
    const v = labels[key];
    return typeof v === 'string' && hasOwn.call(labels, key) ? v : undefined;
  };
  const single = r.values.length === 1 ? r.values[0] : undefined;
  const set = r.values.length > 1 ? new Set(r.values) : undefined;
  const has = single !== undefined ? (v: string) => v === single : set ? (v: string) => set.has(v) : () => false;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return (labels) => {
        const v = value(labels);
        return v !== undefined && has(v);
      };
    case 'notin':
    case '!=':
      return (labels) => {
        const v = value(labels);
        return v === undefined || !has(v);
      };
    case 'exists':
      return (labels) => value(labels) !== undefined;
    case '!':
      return (labels) => value(labels) === undefined;
    case 'gt':
    case 'lt': {
      const bound = r.values.length === 1 && /^[+-]?\d+$/.test(r.values[0]!) ? Number(r.values[0]) : undefined;
      const gt = r.operator === 'gt';
      return (labels) => {
        const v = value(labels);
        if (v === undefined || bound === undefined || !/^[+-]?\d+$/.test(v)) return false;
        const n = Number(v);
        return gt ? n > bound : n < bound;
      };
    }
    default:
      return () => false;
  }
}

const emptyLabels: Labels = Object.freeze({});

/** labels.Selector: an AND of requirements (sorted by key), or the selector that matches nothing. */
export class Selector {
  private readonly matchers: Matcher[];

  private constructor(
    private readonly reqs: readonly Requirement[],
    private readonly nothing: boolean,
  ) {
    this.matchers = reqs.map(compile);
  }

  /** Builds a selector from requirements, sorting them by key as Selector.Add does. */
  static of(requirements: readonly Requirement[]): Selector {
    return new Selector([...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), false);
  }

  /** @internal */
  static nothingSelector(): Selector {
    return new Selector([], true);
  }

  matches(labels: Labels | undefined): boolean {
    if (this.nothing) return false;
    const ls = labels ?? emptyLabels;
    const ms = this.matchers;
    for (let i = 0; i < ms.length; i++) if (!ms[i]!(ls)) return false;
    return true;
  }

  /** True when the selector does not restrict anything (matches everything). */
  empty(): boolean {
    return !this.nothing && this.reqs.length === 0;
  }

  /** True only for the selector that matches no object. */
  matchesNothing(): boolean {
    return this.nothing;
  }

  /** The requirements; undefined for the nothing selector ("not selectable"). */
  requirements(): readonly Requirement[] | undefined {
    return this.nothing ? undefined : this.reqs;
  }

  add(...requirements: Requirement[]): Selector {
    return this.nothing ? this : Selector.of([...this.reqs, ...requirements]);
  }

  /** The value a selector requires for `label` exactly (`=`, `==`, or `in` with one value). */
  requiresExactMatch(label: string): string | undefined {
    for (const r of this.reqs) {
      if (r.key !== label) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
      return undefined;
    }
    return undefined;
  }

  /** The canonical text: requirements by key, values sorted (`app=web,tier in (a,b)`). */
  toString(): string {
    return this.reqs.map(requirementString).join(',');
  }
}

const everythingSelector = Selector.of([]);
const nothingSelector = Selector.nothingSelector();

export function everything(): Selector {
  return everythingSelector;
}

export function nothing(): Selector {
  return nothingSelector;
}

/** SelectorFromSet: `key=value` for each label (no validation, as for a set already validated). */
export function selectorFromSet(set: Labels | undefined): Selector {
  if (!set) return everythingSelector;
  const keys = Object.keys(set);
  if (keys.length === 0) return everythingSelector;
  return Selector.of(keys.map((k) => ({ key: k, operator: '=' as const, values: [set[k]!] })));
}

// ---- the string syntax ----

const enum Token {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

// A Map, not an object literal: a label key may well be "constructor".
const string2token = new Map<string, Token>([
  [')', Token.ClosedPar],
  [',', Token.Comma],
  ['!', Token.DoesNotExist],
  ['==', Token.DoubleEquals],
  ['=', Token.Equals],
  ['>', Token.GreaterThan],
  ['in', Token.In],
  ['<', Token.LessThan],
  ['!=', Token.NotEquals],
  ['notin', Token.NotIn],
  ['(', Token.OpenPar],
]);

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string) => ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';

interface Item {
  tok: Token;
  lit: string;
}

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++;
    if (pos >= s.length) {
      items.push({ tok: Token.EndOfString, lit: '' });
      return items;
    }
    if (isSpecialSymbol(s[pos]!)) {
      // The longest run of special symbols that still forms a token ("!=" rather than "!").
      let buffer = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecialSymbol(s[pos]!)) {
        buffer += s[pos];
        const tok = string2token.get(buffer);
        if (tok !== undefined) last = { tok, lit: buffer };
        else if (last) break;
        pos++;
      }
      items.push(last ?? { tok: Token.Error, lit: `error expected: keyword found '${buffer}'` });
    } else {
      const start = pos;
      while (pos < s.length && !isSpecialSymbol(s[pos]!) && !isWhitespace(s[pos]!)) pos++;
      const word = s.slice(start, pos);
      const tok = string2token.get(word);
      items.push({ tok: tok ?? Token.Identifier, lit: word });
    }
  }
}

/** The parser context decides whether `in`/`notin` are operators or plain values. */
const enum Context {
  KeyAndOperator,
  Values,
}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  private lookahead(ctx: Context): Item {
    const it = this.items[this.position]!;
    return ctx === Context.Values && (it.tok === Token.In || it.tok === Token.NotIn) ? { tok: Token.Identifier, lit: it.lit } : it;
  }

  private consume(ctx: Context): Item {
    const it = this.lookahead(ctx);
    this.position++;
    return it;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Context.Values);
      switch (tok) {
        case Token.Identifier:
        case Token.DoesNotExist: {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            if (e instanceof LabelSelectorError) throw new LabelSelectorError(`unable to parse requirement: ${e.message}`, e.errors);
            throw e;
          }
          requirements.push(r);
          const next = this.consume(Context.Values);
          if (next.tok === Token.EndOfString) return requirements;
          if (next.tok === Token.Comma) {
            const after = this.lookahead(Context.Values);
            if (after.tok !== Token.Identifier && after.tok !== Token.DoesNotExist) {
              throw new LabelSelectorError(`found '${after.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new LabelSelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
        }
        case Token.EndOfString:
          return requirements;
        default:
          throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return newRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    // sets.String.List(): deduplicated and sorted.
    return newRequirement(key, operator, [...values].sort());
  }

  private parseKeyAndInferOperator(): [string, Operator | undefined] {
    let operator: Operator | undefined;
    let { tok, lit } = this.consume(Context.Values);
    if (tok === Token.DoesNotExist) {
      operator = '!';
      ({ tok, lit } = this.consume(Context.Values));
    }
    if (tok !== Token.Identifier) throw new LabelSelectorError(`found '${lit}', expected: identifier`);
    const keyErr = validateLabelKey(lit, pathText(undefined));
    if (keyErr) throw new LabelSelectorError(formatFieldError(keyErr), [keyErr]);
    const next = this.lookahead(Context.Values).tok;
    if ((next === Token.EndOfString || next === Token.Comma) && operator !== '!') operator = 'exists';
    return [lit, operator];
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(Context.KeyAndOperator);
    switch (tok) {
      case Token.In:
        return 'in';
      case Token.Equals:
        return '=';
      case Token.DoubleEquals:
        return '==';
      case Token.GreaterThan:
        return 'gt';
      case Token.LessThan:
        return 'lt';
      case Token.NotIn:
        return 'notin';
      case Token.NotEquals:
        return '!=';
      default:
        throw new LabelSelectorError(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(Context.Values);
    if (open.tok !== Token.OpenPar) throw new LabelSelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(Context.Values);
    switch (tok) {
      case Token.Identifier:
      case Token.Comma: {
        const s = this.parseIdentifiersList();
        if (this.consume(Context.Values).tok !== Token.ClosedPar) throw new LabelSelectorError(`found '${lit}', expected: ')'`);
        return s;
      }
      case Token.ClosedPar:
        this.consume(Context.Values);
        return new Set(['']);
      default:
        throw new LabelSelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  /** A possibly empty list of possibly empty identifiers: `(a,,b)`, `(,a)`, `(a,)`. */
  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(Context.Values);
      if (tok === Token.Identifier) {
        s.add(lit);
        const next = this.lookahead(Context.Values);
        if (next.tok === Token.Comma) continue;
        if (next.tok === Token.ClosedPar) return s;
        throw new LabelSelectorError(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === Token.Comma) {
        if (s.size === 0) s.add('');
        const next = this.lookahead(Context.Values).tok;
        if (next === Token.ClosedPar) {
          s.add('');
          return s;
        }
        if (next === Token.Comma) s.add('');
      } else {
        throw new LabelSelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(Context.Values).tok;
    if (next === Token.EndOfString || next === Token.Comma) return new Set(['']);
    const { tok, lit } = this.consume(Context.Values);
    if (tok === Token.Identifier) return new Set([lit]);
    throw new LabelSelectorError(`found '${lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: the selector string syntax of `kubectl get -l` and `?labelSelector=`. Throws a
 * LabelSelectorError with Kubernetes' message; the API server answers it as 400 Bad Request.
 */
export function parseSelector(selector: string): Selector {
  return Selector.of(new Parser(lex(selector)).parse());
}
