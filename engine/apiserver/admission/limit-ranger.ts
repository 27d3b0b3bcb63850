// LimitRanger: a namespace's LimitRanges fill in containers' missing requests and limits and
// refuse containers outside their min/max. See plugin/pkg/admission/limitranger/admission.go.
import { Quantity } from '../../api/quantity';
import type { Obj } from '../registry/strategy';
import { admissionForbidden } from './forbidden';
import type { AdmissionPlugin } from './types';

type ResourceList = Record<string, string>;

/** The LimitRange item defaults the API applies: default from max, defaultRequest from default, then min. */
function effective(item: Obj): { default: ResourceList; defaultRequest: ResourceList; min: ResourceList; max: ResourceList } {
  const max: ResourceList = item.max ?? {};
  const min: ResourceList = item.min ?? {};
  const def: ResourceList = { ...max, ...(item.default ?? {}) };
  const defaultRequest: ResourceList = { ...min, ...def, ...(item.defaultRequest ?? {}) };
  return { default: def, defaultRequest, min, max };
}

function containerItems(ranges: Obj[]): ReturnType<typeof effective>[] {
  return ranges.flatMap((lr) => (lr.spec?.limits ?? []).filter((i: Obj) => i.type === 'Container').map(effective));
}

function podContainers(pod: Obj): Obj[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

export const limitRanger: AdmissionPlugin = {
  name: 'LimitRanger',
  admit(req, ctx) {
    if (req.operation !== 'CREATE' || req.kind.group !== '' || req.kind.kind !== 'Pod' || req.subresource || !req.object) return;
    const items = containerItems(ctx.list('', 'limitranges', req.namespace));
    for (const item of items) {
      for (const c of podContainers(req.object)) {
        const resources = (c.resources ??= {});
        for (const [name, value] of Object.entries(item.default)) {
          resources.limits ??= {};
          resources.limits[name] ??= value;
        }
        for (const [name, value] of Object.entries(item.defaultRequest)) {
          resources.requests ??= {};
          // (A container that set only a limit already requests that limit: API defaulting ran before admission.)
          resources.requests[name] ??= value;
        }
      }
    }
  },
  validate(req, ctx) {
    if (req.operation !== 'CREATE' || req.kind.group !== '' || req.kind.kind !== 'Pod' || req.subresource || !req.object) return;
    const items = containerItems(ctx.list('', 'limitranges', req.namespace));
    const problems: string[] = [];
    for (const item of items) {
      for (const c of podContainers(req.object)) {
        for (const [name, min] of Object.entries(item.min)) {
          const request = Quantity.tryParse(c.resources?.requests?.[name]);
          if (!request) problems.push(`minimum ${name} usage per Container is ${min}.  No request is specified`);
          else if (request.cmp(Quantity.parse(min)) < 0) problems.push(`minimum ${name} usage per Container is ${min}, but request is ${request}`);
        }
        for (const [name, max] of Object.entries(item.max)) {
          const limit = Quantity.tryParse(c.resources?.limits?.[name]);
          if (!limit) problems.push(`maximum ${name} usage per Container is ${max}.  No limit is specified`);
          else if (limit.cmp(Quantity.parse(max)) > 0) problems.push(`maximum ${name} usage per Container is ${max}, but limit is ${limit}`);
        }
      }
    }
    if (problems.length) throw admissionForbidden(req, problems.join(', '));
  },
};
