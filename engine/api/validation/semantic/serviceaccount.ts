// ServiceAccount: beyond metadata, only its name rule.

import { nameIsDNSSubdomain } from '../names.js';
import { registerKindRules } from './registry.js';

registerKindRules('', 'ServiceAccount', { name: nameIsDNSSubdomain });
