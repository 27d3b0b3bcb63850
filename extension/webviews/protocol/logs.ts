// The messages between the extension and the Logs webview, and the guards both sides check them with.
// The extension names each log source (one container of one pod) once, then sends lines in batches
// as parallel arrays of source id and text, the cheapest shape to post, check and keep.
import { isArrayOf, isBoolean, isLiteral, isNumber, isObject, isOneOf, isOptional, isString, type Guard } from './guards';

/** What the logs are of: one pod (one container, or all of them), or every pod of a workload. */
export interface LogTarget {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Only this container of each pod. */
  readonly container?: string;
}

/**
 * Where a source's stream stands: `waiting` for the container to start, `streaming` while it is
 * followed, `ended` when the container exited (or, for previous logs, once read), `error` when the
 * cluster refused (the message says why, as `kubectl logs` would).
 */
export type SourceState = 'waiting' | 'streaming' | 'ended' | 'error';
export const sourceStates = ['waiting', 'streaming', 'ended', 'error'] as const;

export interface LogSource {
  /** Small integer, stable for the life of a stream; lines refer to it. */
  readonly id: number;
  readonly pod: string;
  readonly container: string;
  readonly state: SourceState;
  readonly message: string;
}

export interface InitMessage {
  readonly type: 'init';
  readonly target: LogTarget;
  /** Logs of the previous (last terminated) instance of each container, read once, instead of following. */
  readonly previous: boolean;
  readonly sources: readonly LogSource[];
}

/** New or changed sources, each replacing the one of its id. */
export interface SourcesMessage {
  readonly type: 'sources';
  readonly sources: readonly LogSource[];
}

/** Lines in the order they were written per source; `source[i]` wrote `text[i]`. */
export interface LinesMessage {
  readonly type: 'lines';
  readonly source: readonly number[];
  readonly text: readonly string[];
}

export type HostMessage = InitMessage | SourcesMessage | LinesMessage;

export type WebviewMessage = { readonly type: 'ready'; readonly previous: boolean } | { readonly type: 'setPrevious'; readonly previous: boolean };

export const isLogTarget: Guard<LogTarget> = isObject<LogTarget>({ kind: isString, namespace: isString, name: isString, container: isOptional(isString) });

const isSource = isObject<LogSource>({ id: isNumber, pod: isString, container: isString, state: isLiteral(...sourceStates), message: isString });

const isInit = isObject<InitMessage>({ type: isLiteral('init'), target: isLogTarget, previous: isBoolean, sources: isArrayOf(isSource) });
const isSources = isObject<SourcesMessage>({ type: isLiteral('sources'), sources: isArrayOf(isSource) });
const isLinesShape = isObject<LinesMessage>({ type: isLiteral('lines'), source: isArrayOf(isNumber), text: isArrayOf(isString) });
const isLines: Guard<LinesMessage> = (v): v is LinesMessage => isLinesShape(v) && v.source.length === v.text.length;

export const isHostMessage: Guard<HostMessage> = isOneOf(isLines, isSources, isInit);

const isReady = isObject<{ type: 'ready'; previous: boolean }>({ type: isLiteral('ready'), previous: isBoolean });
const isSetPrevious = isObject<{ type: 'setPrevious'; previous: boolean }>({ type: isLiteral('setPrevious'), previous: isBoolean });

export const isWebviewMessage: Guard<WebviewMessage> = isOneOf(isReady, isSetPrevious);
