// startup-port: a startup probe aimed at a port its container does not declare (the check lives in probePorts.ts).
import { probePortRule } from './probePorts';

export const startupPort = probePortRule('startup-port', 'startupProbe');
