// API Priority and Fairness defaults (pkg/apis/flowcontrol/v1/defaults.go): a FlowSchema's precedence,
// a Limited level's shares and lendable percent, its queuing parameters, and the exempt level's block.
// Go zero values count as unset for the plain int32 fields; the pointer fields only when absent, so an
// explicit 0 (a Limited level with no nominal shares of its own) is kept.

import { child, isObj, registerDefaulter, type Obj } from './registry.js';

const group = 'flowcontrol.apiserver.k8s.io';

const defaultMatchingPrecedence = 1000;
const defaultNominalConcurrencyShares = 30;
const defaultQueuing = { queues: 64, handSize: 8, queueLengthLimit: 50 };

const isUnset = (v: unknown): boolean => v === undefined || v === null;
/** An int32 field: absent and 0 both mean "not set". */
const isZero = (v: unknown): boolean => isUnset(v) || v === 0;

function setPointerDefault(o: Obj, key: string, value: number): void {
  if (isUnset(o[key])) o[key] = value;
}

function setInt32Default(o: Obj, key: string, value: number): void {
  if (isZero(o[key])) o[key] = value;
}

function defaultLimited(limited: Obj): void {
  setPointerDefault(limited, 'nominalConcurrencyShares', defaultNominalConcurrencyShares);
  setPointerDefault(limited, 'lendablePercent', 0);
  const response = limited.limitResponse;
  if (isObj(response) && isObj(response.queuing)) {
    for (const [key, value] of Object.entries(defaultQueuing)) setInt32Default(response.queuing, key, value);
  }
}

function defaultExempt(exempt: Obj): void {
  setPointerDefault(exempt, 'nominalConcurrencyShares', 0);
  setPointerDefault(exempt, 'lendablePercent', 0);
}

registerDefaulter(group, 'FlowSchema', (fs) => {
  setInt32Default(child(fs, 'spec'), 'matchingPrecedence', defaultMatchingPrecedence);
});

registerDefaulter(group, 'PriorityLevelConfiguration', (pl) => {
  const spec = child(pl, 'spec');
  // Only the blocks that are present are defaulted: neither is created for a level that lacks it.
  if (isObj(spec.limited)) defaultLimited(spec.limited);
  if (isObj(spec.exempt)) defaultExempt(spec.exempt);
});
