// metav1.LabelSelector (matchLabels + matchExpressions) as objects carry it in spec.selector:
// validation with field paths (ValidateLabelSelector) and conversion to a Selector
// (LabelSelectorAsSelector), including the nil-selects-nothing / empty-selects-everything rule.
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath } from '../errors';
import { isValidLabelValue, validateLabelName, validateLabels } from '../validation/names';
import { everything, LabelSelectorError, newRequirement, nothing, type Operator, type Requirement, Selector } from './selector';

/** ValidateLabelSelector: field errors at `fld.matchLabels…` and `fld.matchExpressions[i]…`. */
export function validateLabelSelector(selector: LabelSelector | null | undefined, fld: FieldPath, opts: { allowInvalidLabelValueInSelector?: boolean } = {}): FieldError[] {
  if (!selector) return [];
  const errs: FieldError[] = [...validateLabels(selector.matchLabels, fld.child('matchLabels'))];
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const at = fld.child('matchExpressions').index(i);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(fieldError.required(at.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(fieldError.forbidden(at.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldError.invalid(at.child('operator'), expr.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(expr.key, at.child('key')));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => {
        for (const msg of isValidLabelValue(v)) errs.push(fieldError.invalid(at.child('values').index(j), v, msg));
      });
    }
  });
  return errs;
}

const operators: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything. Throws a
 * LabelSelectorError for an unknown operator or an invalid key or value.
 */
export function labelSelectorAsSelector(selector: LabelSelector | null | undefined): Selector {
  if (!selector) return nothing();
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + expressions.length === 0) return everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(matchLabels)) reqs.push(newRequirement(k, '=', [v]));
  for (const expr of expressions) {
    const op = operators[expr.operator];
    if (!op) throw new LabelSelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return Selector.of(reqs);
}

/** The `-l` string of a LabelSelector (metav1.FormatLabelSelector): `<none>` for an empty one. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = labelSelectorAsSelector(selector).toString();
  } catch {
    return '<error>';
  }
  return s === '' ? '<none>' : s;
}
