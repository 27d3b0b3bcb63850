// Registers every served kind's rules; importing this module is what makes validateSemantics know them.
// Registrations merge per kind, so the order of these imports does not matter.

import { nameIsDNSSubdomain } from '../names.js';
import { registerKindRules } from './registry.js';
import './pod.js';
import './apps.js';
import './batch.js';
import './core.js';
import './networking.js';
import './cluster.js';

// Kinds whose only rule beyond the schema is their object name (ValidateXName in Kubernetes).
const subdomainKinds: [string, string][] = [['', 'ReplicationController']];
for (const [g, k] of subdomainKinds) registerKindRules(g, k, { name: nameIsDNSSubdomain });
