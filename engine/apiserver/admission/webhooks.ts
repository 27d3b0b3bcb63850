// MutatingAdmissionWebhook and ValidatingAdmissionWebhook: the API server asks the webhooks of the
// cluster's MutatingWebhookConfigurations and ValidatingWebhookConfigurations about each write
// their rules match, with an AdmissionReview POSTed to a Service of the cluster (or a URL), and a
// webhook that cannot be called refuses the write unless its failurePolicy is Ignore. This is how
// ingress-nginx, cert-manager and most operators check what users apply, and how a webhook whose
// pods are down blocks a namespace, or a whole cluster, until they are back.
//
// The call goes through the cluster's network (see WebhookTransport). The webhook's answer is the
// simulated server's: a serving container answers an AdmissionReview by allowing it, or refusing it
// when its pod says so (engine/kubelet/README.md, `deny-admission`). Simulated servers send no
// patches, so a mutating webhook is called and may refuse, but changes nothing. A webhook's CEL
// matchConditions are evaluated over object, oldObject, request and authorizer.
// See https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
import { StatusError, statusErrors, type Status } from '../../api/errors';
import { matchConditionVariables } from '../../api/validation/cel/environment';
import { admissionForbidden } from './forbidden';
import { admissionRegistrationGroup, admissionRequestObject, evaluator, isExempt, matchConditionsVerdict, requestInputs, type RuleWithOperations, rulesMatch, type Selectors, selectorsMatch } from './matching';
import type { AdmissionContext, AdmissionPlugin, AdmissionRequest } from './types';
import type { Obj } from '../registry/strategy';

/** One webhook call: where to send the AdmissionReview, and the review as JSON. */
export interface WebhookCall {
  readonly service?: { readonly namespace: string; readonly name: string; readonly port: number; readonly path: string };
  readonly url?: string;
  readonly body: string;
}

/** What came back: an HTTP answer, or the error the connection ended with, in Go's words. */
export interface WebhookReply {
  readonly status?: number;
  readonly body?: string;
  /** e.g. `dial tcp 10.96.0.20:443: connect: connection refused`, `service "x" not found`. */
  readonly error?: string;
}

/** How an API server reaches a webhook: through the cluster's network, from its own node. */
export type WebhookTransport = (call: WebhookCall) => WebhookReply;

/** A webhook could not be called or gave no usable answer (webhookutil.ErrCallingWebhook). */
class CallingWebhookError extends Error {}

interface Webhook extends Selectors {
  name: string;
  clientConfig: { url?: string; service?: { namespace: string; name: string; port?: number; path?: string } };
  rules?: RuleWithOperations[];
  failurePolicy?: string;
  matchPolicy?: string;
  sideEffects?: string;
  timeoutSeconds?: number;
  matchConditions?: { name: string; expression: string }[];
}

export const mutatingAdmissionWebhook: AdmissionPlugin = {
  name: 'MutatingAdmissionWebhook',
  admit: (req, ctx) => dispatch('mutatingwebhookconfigurations', req, ctx),
};

export const validatingAdmissionWebhook: AdmissionPlugin = {
  name: 'ValidatingAdmissionWebhook',
  validate: (req, ctx) => dispatch('validatingwebhookconfigurations', req, ctx),
};

/**
 * Calls, one after another, every webhook of the configurations (in name order, as the API server's
 * configuration manager sorts them) whose rules and selectors match the request; the first refusal
 * or failure that is not ignored ends the write.
 */
function dispatch(resource: string, req: AdmissionRequest, ctx: AdmissionContext): void {
  if (isExempt(req)) return;
  const configurations = ctx.list(admissionRegistrationGroup, resource);
  if (configurations.length === 0) return;
  configurations.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  for (const configuration of configurations) {
    for (const hook of (configuration.webhooks ?? []) as Webhook[]) {
      if (!shouldCall(hook, req, ctx)) continue;
      try {
        call(hook, req, ctx);
      } catch (err) {
        if (!(err instanceof CallingWebhookError)) throw err;
        // failurePolicy Ignore: the write goes ahead as if the webhook had allowed it.
        if (hook.failurePolicy === 'Ignore') continue;
        throw statusErrors.internal(err.message);
      }
    }
  }
}

/** Whether a webhook is asked about this request: a rule matches, then both selectors, then its match conditions. */
function shouldCall(hook: Webhook, req: AdmissionRequest, ctx: AdmissionContext): boolean {
  return rulesMatch(hook.rules ?? [], hook.matchPolicy, req) && selectorsMatch(hook, req, ctx) && conditionsMatch(hook, req, ctx);
}

/**
 * matchConditions: a condition that is false skips the webhook. One that cannot be evaluated fails
 * the request (Forbidden), unless the failurePolicy is Ignore, which skips the webhook instead.
 */
function conditionsMatch(hook: Webhook, req: AdmissionRequest, ctx: AdmissionContext): boolean {
  const conditions = hook.matchConditions ?? [];
  if (conditions.length === 0) return true;
  const verdict = matchConditionsVerdict(conditions, evaluator(matchConditionVariables, requestInputs(req, ctx)));
  if (typeof verdict === 'boolean') return verdict;
  if (hook.failurePolicy === 'Ignore') return false;
  throw admissionForbidden(req, verdict.error);
}

/** Sends the AdmissionReview and reads the answer; throws the refusal, or a CallingWebhookError. */
function call(hook: Webhook, req: AdmissionRequest, ctx: AdmissionContext): void {
  const failed = (why: string) => new CallingWebhookError(`failed calling webhook ${JSON.stringify(hook.name)}: ${why}`);
  if (req.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') {
    throw statusErrors.badRequest(`admission webhook ${JSON.stringify(hook.name)} does not support dry run`);
  }
  const uid = ctx.uid();
  const body = JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: admissionRequestObject(uid, req) });
  const timeout = `timeout=${hook.timeoutSeconds ?? 10}s`;
  const { service, url } = hook.clientConfig;
  let shown: string;
  let sent: WebhookCall;
  if (service) {
    const port = service.port ?? 443;
    const path = service.path || '/';
    shown = `https://${service.name}.${service.namespace}.svc:${port}${path}?${timeout}`;
    sent = { service: { namespace: service.namespace, name: service.name, port, path: `${path}?${timeout}` }, body };
  } else {
    shown = `${url ?? ''}${(url ?? '').includes('?') ? '&' : '?'}${timeout}`;
    sent = { url: shown, body };
  }
  // With no cluster network around the server, no name resolves.
  const reply = ctx.callWebhook(sent) ?? { error: `dial tcp: lookup ${new URL(shown).hostname}: no such host` };
  if (reply.error !== undefined) throw failed(`failed to call webhook: Post ${JSON.stringify(shown)}: ${reply.error}`);
  const status = reply.status ?? 0;
  if (status < 200 || status > 299) throw failed(`failed to call webhook: ${unexpectedStatus(status, reply.body ?? '')}`);
  let review: Obj;
  try {
    review = JSON.parse(reply.body ?? '');
  } catch (err) {
    throw failed(`failed to call webhook: couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  if (review?.kind !== 'AdmissionReview' || review.apiVersion !== 'admission.k8s.io/v1') {
    throw failed(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${review?.apiVersion ?? ''}, Kind=${review?.kind ?? ''}`);
  }
  const response = review.response;
  if (!response || typeof response !== 'object') throw failed('webhook response was absent');
  if (response.uid !== uid) throw failed(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
  if (response.allowed === true) return;
  throw refusal(hook.name, req, response.status);
}

/** What client-go makes of an answer that is not 2xx and carries no Status: its generic server error. */
function unexpectedStatus(status: number, body: string): string {
  switch (status) {
    case 400:
      return 'the server rejected our request for an unknown reason';
    case 401:
      return 'the server has asked for the client to provide credentials';
    case 403:
      return 'the server does not allow access to the requested resource';
    case 404:
      return 'the server could not find the requested resource';
    case 405:
      return 'the server does not allow this method on the requested resource';
    case 503:
      return 'the server is currently unable to handle the request';
    default:
      return `an error on the server (${JSON.stringify(body.trim() || 'unknown')}) has prevented the request from succeeding`;
  }
}

/**
 * A webhook's refusal (webhookerrors.ToStatusErr): its status, 403 Forbidden unless it says
 * otherwise, with its message after the webhook's name.
 */
function refusal(hookName: string, req: AdmissionRequest, result: Partial<Status> | undefined): StatusError {
  const status: Obj = { ...(result ?? {}) };
  const code = typeof status.code === 'number' && status.code !== 0 ? status.code : 403;
  const deniedBy = `admission webhook ${JSON.stringify(hookName)} denied the request`;
  const why = status.message ? `${deniedBy}: ${status.message}` : status.reason ? `${deniedBy}: ${status.reason}` : `${deniedBy} without explanation`;
  const name = req.name || 'Unknown';
  const resource = req.kind.group ? `${req.kind.plural}.${req.kind.group}` : req.kind.plural;
  const message = code === 500 ? `Internal error occurred: ${why}` : `${resource} ${JSON.stringify(name)} is forbidden: ${why}`;
  const details = status.details ?? (code === 500 ? { causes: [{ message: why }] } : { name, group: req.kind.group, kind: req.kind.plural });
  const reason = status.reason || (code === 500 ? 'InternalError' : 'Forbidden');
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code } as Status);
}
