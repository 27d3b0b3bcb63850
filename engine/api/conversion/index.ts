// The conversions between served versions and storage versions of built-in kinds: which versions
// the API server serves over another version's storage, and how an object moves between them.
import { horizontalPodAutoscalerV1 } from './autoscaling';
import { eventsV1Event } from './events';
import type { VersionConversion } from './types';

export type { VersionConversion } from './types';

const all: readonly VersionConversion[] = [horizontalPodAutoscalerV1, eventsV1Event];

const byServed = new Map(all.map((c) => [`${c.group}/${c.served}/${c.kind}`, c]));

/** Every version served through a conversion. */
export function versionConversions(): readonly VersionConversion[] {
  return all;
}

/** The conversion through which `group/version kind` is served, if it is served over another version's storage. */
export function conversionFor(group: string, version: string, kind: string): VersionConversion | undefined {
  return byServed.get(`${group}/${version}/${kind}`);
}
