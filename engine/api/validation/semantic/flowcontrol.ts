// API Priority and Fairness rules (pkg/apis/flowcontrol/validation): FlowSchemas (precedence, the
// priority level they name, subjects and resource/non-resource rules) and PriorityLevelConfigurations
// (Exempt or Limited, lending and borrowing percentages, queuing and its shuffle-sharding entropy).
// The mandatory "exempt" and "catch-all" objects must keep the spec the apiserver gives them; of the
// "exempt" level only its `exempt` block may change. Updates are validated as creates; a status update
// checks the conditions only.

import { mandatoryFlowSchemas, mandatoryPriorityLevels } from '../../flowcontrol/bootstrap.js';
import { fieldError, GoValue, type FieldError, FieldPath } from '../../errors.js';
import { nameIsDNSSubdomain, validateNamespaceName } from '../names.js';
import { arr, at, has, isObj, jsonValue, num, obj, str } from './common.js';
import { registerKindRules, type Obj } from './registry.js';

const group = 'flowcontrol.apiserver.k8s.io';
const specPath = FieldPath.root('spec');
const statusPath = FieldPath.root('status');

const maxMatchingPrecedence = 10000;
const maxQueues = 10 * 1000 * 1000;
/** shufflesharding.MaxHashBits: the bits of hash a hand of queues may consume. */
const maxHashBits = 60;
/** The v1beta3 round-trip marker; only conversion from v1beta3 may use it, so a stored object never has it. */
const preserveZeroSharesAnnotation = 'flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares';

// Sorted, as Kubernetes lists them in "supported values".
const supportedVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'proxy', 'update', 'watch'];
const supportedSubjectKinds = ['Group', 'ServiceAccount', 'User'];
const supportedDistinguisherMethods = ['ByNamespace', 'ByUser'];
const supportedPriorityLevelTypes = ['Exempt', 'Limited'];
const supportedLimitResponseTypes = ['Queue', 'Reject'];

const nsErrIntro = "each member of this list must be '*' or a DNS-1123 label; ";

const strings = (v: unknown): string[] => arr(v).map(str);
const hasWildcard = (list: string[]): boolean => list.includes('*');
/** An int32 as Go holds it: an absent value is 0. */
const int32 = (v: unknown): number => num(v) ?? 0;

// ---- the internal objects, as Go's json.Marshal prints them in field errors ----
//
// The mandatory-spec errors print the whole internal spec. Internal types have no JSON tags, so the
// keys are Go's field names in struct order, and nil pointers and slices are null.

const nullable = <T>(v: unknown, f: (x: Obj) => T): T | null => (isObj(v) ? f(v) : null);
const stringList = (v: unknown): string[] | null => (Array.isArray(v) ? strings(v) : null);
const nullableInt = (v: unknown): number | null => num(v) ?? null;

function internalSubject(s: Obj): Obj {
  return {
    Kind: str(s.kind),
    User: nullable(s.user, (u) => ({ Name: str(u.name) })),
    Group: nullable(s.group, (g) => ({ Name: str(g.name) })),
    ServiceAccount: nullable(s.serviceAccount, (sa) => ({ Namespace: str(sa.namespace), Name: str(sa.name) })),
  };
}

function internalRule(r: Obj): Obj {
  return {
    Subjects: Array.isArray(r.subjects) ? r.subjects.map((s) => internalSubject(obj(s))) : null,
    ResourceRules: Array.isArray(r.resourceRules)
      ? r.resourceRules.map((x) => {
          const rr = obj(x);
          return { Verbs: stringList(rr.verbs), APIGroups: stringList(rr.apiGroups), Resources: stringList(rr.resources), ClusterScope: rr.clusterScope === true, Namespaces: stringList(rr.namespaces) };
        })
      : null,
    NonResourceRules: Array.isArray(r.nonResourceRules)
      ? r.nonResourceRules.map((x) => ({ Verbs: stringList(obj(x).verbs), NonResourceURLs: stringList(obj(x).nonResourceURLs) }))
      : null,
  };
}

function internalFlowSchemaSpec(s: Obj): Obj {
  return {
    PriorityLevelConfiguration: { Name: str(obj(s.priorityLevelConfiguration).name) },
    MatchingPrecedence: int32(s.matchingPrecedence),
    DistinguisherMethod: nullable(s.distinguisherMethod, (d) => ({ Type: str(d.type) })),
    Rules: Array.isArray(s.rules) ? s.rules.map((r) => internalRule(obj(r))) : null,
  };
}

function internalLimited(l: Obj): Obj {
  const response = obj(l.limitResponse);
  return {
    NominalConcurrencyShares: int32(l.nominalConcurrencyShares),
    LimitResponse: {
      Type: str(response.type),
      Queuing: nullable(response.queuing, (q) => ({ Queues: int32(q.queues), HandSize: int32(q.handSize), QueueLengthLimit: int32(q.queueLengthLimit) })),
    },
    LendablePercent: nullableInt(l.lendablePercent),
    BorrowingLimitPercent: nullableInt(l.borrowingLimitPercent),
  };
}

function internalPriorityLevelSpec(s: Obj): Obj {
  return {
    Type: str(s.type),
    Limited: nullable(s.limited, internalLimited),
    Exempt: nullable(s.exempt, (e) => ({ NominalConcurrencyShares: nullableInt(e.nominalConcurrencyShares), LendablePercent: nullableInt(e.lendablePercent) })),
  };
}

/** apiequality.Semantic.DeepEqual on internal objects: an empty slice equals a nil one. */
function semanticEqual(a: Obj, b: Obj): boolean {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length ? v.map(canonical) : null;
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]));
    return v;
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

const goJSON = (v: Obj): GoValue => new GoValue(JSON.stringify(v));

const specOf = (objects: readonly Obj[], name: string): Obj | undefined => {
  const found = objects.find((o) => obj(o.metadata).name === name);
  return found && obj(found.spec);
};

// ---- FlowSchema ----

function validateMatchingPrecedence(name: string, precedence: number): FieldError[] {
  const fld = specPath.child('matchingPrecedence');
  const errs: FieldError[] = [];
  if (precedence <= 0) errs.push(fieldError.invalid(fld, precedence, 'must be a positive value'));
  if (precedence > maxMatchingPrecedence) errs.push(fieldError.invalid(fld, precedence, `must not be greater than ${maxMatchingPrecedence}`));
  if (precedence === 1 && name !== 'exempt') errs.push(fieldError.invalid(fld, precedence, "only the schema named 'exempt' may have matchingPrecedence 1"));
  return errs;
}

function validateFlowSchemaSpec(name: string, s: Obj): FieldError[] {
  const errs = validateMatchingPrecedence(name, int32(s.matchingPrecedence));
  if (isObj(s.distinguisherMethod) && !supportedDistinguisherMethods.includes(str(s.distinguisherMethod.type))) {
    const value = goJSON({ Type: str(s.distinguisherMethod.type) });
    errs.push(fieldError.notSupported(at(specPath, 'distinguisherMethod', 'type'), value, supportedDistinguisherMethods));
  }
  const plName = str(obj(s.priorityLevelConfiguration).name);
  const plPath = at(specPath, 'priorityLevelConfiguration', 'name');
  if (!plName) errs.push(fieldError.required(plPath, 'must reference a priority level'));
  else for (const m of nameIsDNSSubdomain(plName, false)) errs.push(fieldError.invalid(plPath, plName, m));
  arr(s.rules).forEach((r, i) => errs.push(...validatePolicyRulesWithSubjects(obj(r), specPath.child('rules').index(i))));
  return errs;
}

function validatePolicyRulesWithSubjects(rule: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const subjects = arr(rule.subjects);
  if (subjects.length === 0) errs.push(fieldError.required(fld.child('subjects'), 'subjects must contain at least one value'));
  subjects.forEach((s, i) => errs.push(...validateSubject(obj(s), fld.child('subjects').index(i))));
  const resourceRules = arr(rule.resourceRules);
  const nonResourceRules = arr(rule.nonResourceRules);
  if (resourceRules.length === 0 && nonResourceRules.length === 0) errs.push(fieldError.required(fld, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
  resourceRules.forEach((r, i) => errs.push(...validateResourceRule(obj(r), fld.child('resourceRules').index(i))));
  nonResourceRules.forEach((r, i) => errs.push(...validateNonResourceRule(obj(r), fld.child('nonResourceRules').index(i))));
  return errs;
}

/** Which member each subject kind uses; the others must be absent. */
const subjectMembers: Record<string, 'user' | 'group' | 'serviceAccount'> = { User: 'user', Group: 'group', ServiceAccount: 'serviceAccount' };
const forbiddenMember: Record<string, string> = {
  user: "user is forbidden when subject kind is not 'User'",
  group: "group is forbidden when subject kind is not 'Group'",
  serviceAccount: "serviceAccount is forbidden when subject kind is not 'ServiceAccount'",
};
// The order Kubernetes checks the other members in, per kind.
const otherMembers: Record<string, string[]> = { ServiceAccount: ['user', 'group'], User: ['serviceAccount', 'group'], Group: ['serviceAccount', 'user'] };

function validateSubject(subject: Obj, fld: FieldPath): FieldError[] {
  const kind = str(subject.kind);
  const member = subjectMembers[kind];
  if (!member) return [fieldError.notSupported(fld.child('kind'), kind, supportedSubjectKinds)];
  const errs = member === 'serviceAccount' ? validateServiceAccountSubject(subject.serviceAccount, fld.child('serviceAccount')) : validateNamedSubject(subject[member], fld.child(member), member, kind);
  for (const other of otherMembers[kind]) if (has(subject, other)) errs.push(fieldError.forbidden(fld.child(other), forbiddenMember[other]));
  return errs;
}

/** A User or Group subject: present, with a name. */
function validateNamedSubject(subject: unknown, fld: FieldPath, member: string, kind: string): FieldError[] {
  if (!isObj(subject)) return [fieldError.required(fld, `${member} is required when subject kind is '${kind}'`)];
  return str(subject.name) ? [] : [fieldError.required(fld.child('name'))];
}

function validateServiceAccountSubject(subject: unknown, fld: FieldPath): FieldError[] {
  if (!isObj(subject)) return [fieldError.required(fld, "serviceAccount is required when subject kind is 'ServiceAccount'")];
  const errs: FieldError[] = [];
  const name = str(subject.name);
  if (!name) errs.push(fieldError.required(fld.child('name')));
  else if (name !== '*') for (const m of nameIsDNSSubdomain(name, false)) errs.push(fieldError.invalid(fld.child('name'), name, m));
  const namespace = str(subject.namespace);
  if (!namespace) errs.push(fieldError.required(fld.child('namespace'), 'must specify namespace for service account'));
  else for (const m of validateNamespaceName(namespace, false)) errs.push(fieldError.invalid(fld.child('namespace'), namespace, m));
  return errs;
}

/** Verbs: at least one; '*' alone; otherwise only the verbs Kubernetes knows. */
function validateVerbs(verbs: string[], fld: FieldPath): FieldError[] {
  if (verbs.length === 0) return [fieldError.required(fld, 'verbs must contain at least one value')];
  if (hasWildcard(verbs)) return verbs.length > 1 ? [fieldError.invalid(fld, jsonValue(verbs), "if '*' is present, must not specify other verbs")] : [];
  return verbs.every((v) => supportedVerbs.includes(v)) ? [] : [fieldError.notSupported(fld, jsonValue(verbs), supportedVerbs)];
}

/** A list that must not be empty and may hold '*' only on its own. */
function validateWildcardList(values: string[], fld: FieldPath, required: string, what: string): FieldError[] {
  if (values.length === 0) return [fieldError.required(fld, required)];
  if (values.length > 1 && hasWildcard(values)) return [fieldError.invalid(fld, jsonValue(values), `if '*' is present, must not specify other ${what}`)];
  return [];
}

function validateResourceRule(rule: Obj, fld: FieldPath): FieldError[] {
  const errs = validateVerbs(strings(rule.verbs), fld.child('verbs'));
  errs.push(...validateWildcardList(strings(rule.apiGroups), fld.child('apiGroups'), 'resource rules must supply at least one api group', 'api groups'));
  errs.push(...validateWildcardList(strings(rule.resources), fld.child('resources'), 'resource rules must supply at least one resource', 'resources'));
  errs.push(...validateNamespaces(strings(rule.namespaces), rule.clusterScope === true, fld.child('namespaces')));
  return errs;
}

function validateNamespaces(namespaces: string[], clusterScope: boolean, fld: FieldPath): FieldError[] {
  if (namespaces.length === 0 && !clusterScope) return [fieldError.required(fld, 'resource rules that are not cluster scoped must supply at least one namespace')];
  if (hasWildcard(namespaces)) return namespaces.length > 1 ? [fieldError.invalid(fld, jsonValue(namespaces), "if '*' is present, must not specify other namespaces")] : [];
  return namespaces.flatMap((ns, i) => validateNamespaceName(ns, false).map((m) => fieldError.invalid(fld.index(i), ns, nsErrIntro + m)));
}

function validateNonResourceRule(rule: Obj, fld: FieldPath): FieldError[] {
  const errs = validateVerbs(strings(rule.verbs), fld.child('verbs'));
  const urls = strings(rule.nonResourceURLs);
  const urlsPath = fld.child('nonResourceURLs');
  if (urls.length === 0) errs.push(fieldError.required(urlsPath, 'nonResourceURLs must contain at least one value'));
  else if (hasWildcard(urls)) {
    if (urls.length > 1) errs.push(fieldError.invalid(urlsPath, jsonValue(urls), "if '*' is present, must not specify other non-resource URLs"));
  } else {
    urls.forEach((u, i) => {
      const problem = nonResourceURLProblem(u);
      if (problem) errs.push(fieldError.invalid(urlsPath.index(i), u, problem));
    });
  }
  return errs;
}

/** ValidateNonResourceURLPath: rooted, no blanks or `//`, and '*' only as a final `/*` segment. */
function nonResourceURLProblem(path: string): string | undefined {
  if (!path) return 'must not be empty';
  if (path === '/') return undefined;
  if (!path.startsWith('/')) return 'must start with slash';
  if (path.includes(' ')) return 'must not contain white-space';
  if (path.includes('//')) return 'must not contain double slash';
  const wildcards = path.split('*').length - 1;
  if (wildcards > 1 || (wildcards === 1 && !path.endsWith('/*'))) return 'wildcard can only do suffix matching';
  return undefined;
}

/** ValidateIfMandatoryFlowSchema */
function validateIfMandatoryFlowSchema(name: string, s: Obj): FieldError[] {
  const mandatory = specOf(mandatoryFlowSchemas, name);
  if (!mandatory) return [];
  const have = internalFlowSchemaSpec(s);
  return semanticEqual(have, internalFlowSchemaSpec(mandatory)) ? [] : [fieldError.invalid(specPath, goJSON(have), `spec of '${name}' must equal the fixed value`)];
}

/** Condition types: each present and given once (the same rule for both kinds' status). */
function validateConditions(status: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(obj(status).conditions).forEach((c, i) => {
    const type = str(obj(c).type);
    const fld = statusPath.child('conditions').index(i).child('type');
    if (seen.has(type)) errs.push(fieldError.duplicate(fld, type));
    seen.add(type);
    if (!type) errs.push(fieldError.required(fld, 'must not be empty'));
  });
  return errs;
}

function validateFlowSchema(fs: Obj): FieldError[] {
  const name = str(obj(fs.metadata).name);
  const s = obj(fs.spec);
  return [...validateFlowSchemaSpec(name, s), ...validateIfMandatoryFlowSchema(name, s), ...validateConditions(fs.status)];
}

// ---- PriorityLevelConfiguration ----

function validatePriorityLevelSpec(name: string, s: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(s.type);
  if ((name === 'exempt') !== (type === 'Exempt')) errs.push(fieldError.invalid(specPath.child('type'), type, "type must be 'Exempt' if and only if name is 'exempt'"));
  if (type === 'Exempt') {
    if (has(s, 'limited')) errs.push(fieldError.forbidden(specPath.child('limited'), 'must be nil if the type is not Limited'));
    if (isObj(s.exempt)) errs.push(...validateExempt(s.exempt, specPath.child('exempt')));
  } else if (type === 'Limited') {
    if (has(s, 'exempt')) errs.push(fieldError.forbidden(specPath.child('exempt'), 'must be nil if the type is Limited'));
    if (!isObj(s.limited)) errs.push(fieldError.required(specPath.child('limited'), 'must not be empty when type is Limited'));
    else errs.push(...validateLimited(s.limited, specPath.child('limited')));
  } else {
    errs.push(fieldError.notSupported(specPath.child('type'), type, supportedPriorityLevelTypes));
  }
  return errs;
}

function validatePercent(v: unknown, fld: FieldPath): FieldError[] {
  return typeof v === 'number' && (v < 0 || v > 100) ? [fieldError.invalid(fld, v, 'must be between 0 and 100, inclusive')] : [];
}

function validateExempt(e: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const shares = num(e.nominalConcurrencyShares);
  if (shares !== undefined && shares < 0) errs.push(fieldError.invalid(fld.child('nominalConcurrencyShares'), shares, 'must be a non-negative integer'));
  errs.push(...validatePercent(e.lendablePercent, fld.child('lendablePercent')));
  return errs;
}

function validateLimited(l: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  // Zero shares are allowed (the ZeroLimitedNominalConcurrencyShares gate is GA): such a level only borrows.
  const shares = int32(l.nominalConcurrencyShares);
  if (shares < 0) errs.push(fieldError.invalid(fld.child('nominalConcurrencyShares'), shares, 'must be a non-negative integer'));
  errs.push(...validateLimitResponse(obj(l.limitResponse), fld.child('limitResponse')));
  errs.push(...validatePercent(l.lendablePercent, fld.child('lendablePercent')));
  const borrowing = num(l.borrowingLimitPercent);
  if (borrowing !== undefined && borrowing < 0) errs.push(fieldError.invalid(fld.child('borrowingLimitPercent'), borrowing, 'if specified, must be a non-negative integer'));
  return errs;
}

function validateLimitResponse(r: Obj, fld: FieldPath): FieldError[] {
  const type = str(r.type);
  if (type === 'Reject') return has(r, 'queuing') ? [fieldError.forbidden(fld.child('queuing'), 'must be nil if limited.limitResponse.type is not Limited')] : [];
  if (type === 'Queue') {
    if (!isObj(r.queuing)) return [fieldError.required(fld.child('queuing'), 'must not be empty if limited.limitResponse.type is Limited')];
    return validateQueuing(r.queuing, fld.child('queuing'));
  }
  return [fieldError.notSupported(fld.child('type'), type, supportedLimitResponseTypes)];
}

/** shufflesharding.RequiredEntropyBits: the hash bits needed to deal a hand of `handSize` from `deckSize`. */
const requiredEntropyBits = (deckSize: number, handSize: number): number => Math.ceil(Math.log2(deckSize) * handSize);

function validateQueuing(q: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const queueLengthLimit = int32(q.queueLengthLimit);
  const queues = int32(q.queues);
  const handSize = int32(q.handSize);
  if (queueLengthLimit <= 0) errs.push(fieldError.invalid(fld.child('queueLengthLimit'), queueLengthLimit, 'must be positive'));
  if (queues <= 0) errs.push(fieldError.invalid(fld.child('queues'), queues, 'must be positive'));
  else if (queues > maxQueues) errs.push(fieldError.invalid(fld.child('queues'), queues, `must not be greater than ${maxQueues}`));
  const hand = fld.child('handSize');
  if (handSize <= 0) errs.push(fieldError.invalid(hand, handSize, 'must be positive'));
  else if (handSize > queues) errs.push(fieldError.invalid(hand, handSize, `should not be greater than queues (${queues})`));
  else if (requiredEntropyBits(queues, handSize) > maxHashBits)
    errs.push(fieldError.invalid(hand, handSize, `required entropy bits of deckSize ${queues} and handSize ${handSize} should not be greater than ${maxHashBits}`));
  return errs;
}

/** ValidateIfMandatoryPriorityLevelConfigurationObject */
function validateIfMandatoryPriorityLevel(name: string, s: Obj): FieldError[] {
  const mandatory = specOf(mandatoryPriorityLevels, name);
  if (!mandatory) return [];
  const have = internalPriorityLevelSpec(s);
  const want = internalPriorityLevelSpec(mandatory);
  if (name === 'exempt') {
    // Administrators may tune the exempt level's own block; everything else is fixed.
    if (semanticEqual({ ...have, Exempt: want.Exempt }, want)) return [];
    return [fieldError.invalid(specPath, goJSON(have), "spec of 'exempt' except the 'spec.exempt' field must equal the fixed value")];
  }
  return semanticEqual(have, want) ? [] : [fieldError.invalid(specPath, goJSON(have), `spec of '${name}' must equal the fixed value`)];
}

function validatePriorityLevel(pl: Obj): FieldError[] {
  const meta = obj(pl.metadata);
  const name = str(meta.name);
  const errs: FieldError[] = [];
  if (has(obj(meta.annotations), preserveZeroSharesAnnotation))
    errs.push(fieldError.forbidden(at(FieldPath.root('metadata'), 'annotations'), `annotation '${preserveZeroSharesAnnotation}' is forbidden`));
  const s = obj(pl.spec);
  errs.push(...validatePriorityLevelSpec(name, s), ...validateIfMandatoryPriorityLevel(name, s), ...validateConditions(pl.status));
  return errs;
}

registerKindRules(group, 'FlowSchema', {
  name: nameIsDNSSubdomain,
  validate: validateFlowSchema,
  validateStatusUpdate: (n) => validateConditions(n.status),
});

registerKindRules(group, 'PriorityLevelConfiguration', {
  name: nameIsDNSSubdomain,
  validate: validatePriorityLevel,
  validateStatusUpdate: (n) => validateConditions(n.status),
});
