// liveness-port: a liveness probe aimed at a port its container does not declare (the check lives in probePorts.ts).
import { probePortRule } from './probePorts';

export const livenessPort = probePortRule('liveness-port', 'livenessProbe');
