// The shape of a lint rule: data (id, default severity, summary, documentation, the kinds it judges)
// and a check that reads one object and says what is wrong where, in Kubernetes field paths.
import type { PathSegment } from '../parsedDocument';

export type LintSeverity = 'error' | 'warning' | 'information' | 'hint';
/** What a user may set a rule to in `kubeside.lint.rules`. */
export type RuleLevel = LintSeverity | 'off';

/** A scalar a fix writes into the manifest. */
export type FixValue = string | number | boolean;

/**
 * A fix described on the object, not on its text: the linter turns it into edits that keep the
 * user's YAML layout (indentation, flow or block style).
 */
export type FieldFix =
  /** Sets `path` to `value`, creating the maps on the way that are missing. */
  | { readonly title: string; readonly set: readonly PathSegment[]; readonly value: FixValue }
  /** Renames the key at `path`, keeping its value. */
  | { readonly title: string; readonly rename: readonly PathSegment[]; readonly to: string }
  /** Removes the field at `path` (a key and its value). */
  | { readonly title: string; readonly remove: readonly PathSegment[] };

export interface Finding {
  /** The field at fault; when it does not exist, the finding sits on its deepest existing ancestor. */
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** Whether to point at the field's key rather than its value. */
  readonly onKey?: boolean;
  readonly fix?: FieldFix;
}

/** A port a container declares. */
export interface ContainerPortInfo {
  readonly containerPort: number;
  readonly name?: string;
}

/** A Service as the workspace declares it. */
export interface ServiceInfo {
  /** `clusterIP: None`. */
  readonly headless: boolean;
  /** Its `spec.selector` ({} when it has none). */
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly port: number; readonly name?: string; readonly targetPort?: number | string }[];
}

/** A PodDisruptionBudget's budget, as written (an int or a percentage string). */
export interface DisruptionBudgetInfo {
  readonly name: string;
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

/**
 * Questions a rule may ask about the rest of the workspace; the linter remembers the answers to know
 * when they change. A namespace is the asking object's `metadata.namespace` ('' when not given), matched
 * as references are: '' also means `default`.
 */
export interface WorkspaceQueries {
  /** Whether some workload or pod in the workspace has pods that `selector` selects in `namespace`. */
  selectsPods(selector: Readonly<Record<string, string>>, namespace: string): boolean;
  /** The ports the containers declare, one list per workload or pod whose pods `selector` selects; [] when it selects none. */
  podPorts(selector: Readonly<Record<string, string>>, namespace: string): readonly (readonly ContainerPortInfo[])[];
  /** The Services named `name` that a reference from `namespace` may mean; [] when there is none. */
  services(name: string, namespace: string): readonly ServiceInfo[];
  /** The PodDisruptionBudgets whose selector picks pods labelled `labels` in `namespace`. */
  disruptionBudgetsFor(labels: Readonly<Record<string, string>>, namespace: string): readonly DisruptionBudgetInfo[];
  /** Whether some NetworkPolicy of `namespace` in the workspace applies to pods labelled `labels` (its podSelector picks them). */
  isolated(labels: Readonly<Record<string, string>>, namespace: string): boolean;
  /** Whether the workspace declares the object `kind` `name` that a reference from `namespace` may mean. */
  exists(kind: string, namespace: string, name: string): boolean;
  /** Whether an object of `fromKind` in the workspace names the object `kind` `namespace`/`name` (an autoscaler its target, say). */
  referencedBy(kind: string, namespace: string, name: string, fromKind: string): boolean;
}

export interface RuleContext {
  readonly kind: string;
  readonly workspace: WorkspaceQueries;
}

export interface LintRule {
  /** kube-linter's check name where it has one, so its ignore annotation works here too. */
  readonly id: string;
  /** kube-linter's name for the same check where the id differs (an older id kept for settings), so its ignore annotation works too. */
  readonly kubeLinterId?: string;
  /** The severity when the user's settings do not name the rule. */
  readonly severity: LintSeverity;
  /** Rules that are matters of taste or of the environment are off unless the settings turn them on. */
  readonly enabledByDefault: boolean;
  /** One line: what the rule flags. */
  readonly summary: string;
  /** Markdown: why it matters and what to do. */
  readonly description: string;
  /** The Kubernetes documentation behind the rule. */
  readonly docs: string;
  /** The kinds it judges; `*` for every kind. */
  readonly appliesTo: readonly string[] | '*';
  check(object: KubeObject, context: RuleContext): readonly Finding[];
}

/** An API object as read from the manifest: plain JSON, nothing checked yet beyond being a map. */
export type KubeObject = Readonly<Record<string, unknown>>;
