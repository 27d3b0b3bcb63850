// Registers every served kind's rules, one file per kind as Kubernetes validates it; importing this
// module is what makes validateSemantics know them. Registrations merge per kind, so order does not matter.

import './pod.js';
import './deployment.js';
import './replicaset.js';
import './replicationcontroller.js';
import './statefulset.js';
import './daemonset.js';
import './controllerrevision.js';
import './job.js';
import './cronjob.js';
import './service.js';
import './endpoints.js';
import './configmap.js';
import './secret.js';
import './namespace.js';
import './serviceaccount.js';
import './node.js';
import './event.js';
import './persistentvolume.js';
import './persistentvolumeclaim.js';
import './resourcequota.js';
import './limitrange.js';
import './ingress.js';
import './ingressclass.js';
import './apiservice.js';
import './networkpolicy.js';
import './endpointslice.js';
import './lease.js';
import './storageclass.js';
import './priorityclass.js';
import './runtimeclass.js';
import './horizontalpodautoscaler.js';
import './poddisruptionbudget.js';
import './rbac.js';
import './customresourcedefinition.js';
import './admissionregistration.js';
