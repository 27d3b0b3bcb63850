// PodTemplate defaults: its template is defaulted as every pod template is.

import { setDefaultsPodTemplateSpec } from './pod.js';
import { registerDefaulter } from './registry.js';

registerDefaulter('', 'PodTemplate', (pt) => setDefaultsPodTemplateSpec(pt.template));
