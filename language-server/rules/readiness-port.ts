// readiness-port: a readiness probe aimed at a port its container does not declare (the check lives in probePorts.ts).
import { probePortRule } from './probePorts';

export const readinessPort = probePortRule('readiness-port', 'readinessProbe');
