// Skeletons of the resources people write most, as completion snippets: the fields the API server
// requires plus the ones almost every manifest sets, with the name reused where Kubernetes expects
// it to match (selectors and pod labels).

export interface ResourceSnippet {
  readonly kind: string;
  readonly apiVersion: string;
  /** LSP snippet syntax: `${1:name}` placeholders, `$0` the final cursor. */
  readonly body: string;
}

const podTemplate = (indent: string) =>
  [
    `template:`,
    `  metadata:`,
    `    labels:`,
    `      app: \${1:name}`,
    `  spec:`,
    `    containers:`,
    `      - name: \${1:name}`,
    `        image: \${2:nginx:1.27}`,
  ]
    .map((l) => indent + l)
    .join('\n');

export const resourceSnippets: readonly ResourceSnippet[] = [
  {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    body: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: \${1:name}
spec:
  replicas: \${3:1}
  selector:
    matchLabels:
      app: \${1:name}
${podTemplate('  ')}
          ports:
            - containerPort: \${4:80}$0
`,
  },
  {
    kind: 'Service',
    apiVersion: 'v1',
    body: `apiVersion: v1
kind: Service
metadata:
  name: \${1:name}
spec:
  selector:
    app: \${2:\${1:name}}
  ports:
    - port: \${3:80}
      targetPort: \${4:80}$0
`,
  },
  {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    body: `apiVersion: v1
kind: ConfigMap
metadata:
  name: \${1:name}
data:
  \${2:key}: \${3:value}$0
`,
  },
  {
    kind: 'Secret',
    apiVersion: 'v1',
    body: `apiVersion: v1
kind: Secret
metadata:
  name: \${1:name}
type: \${2|Opaque,kubernetes.io/tls,kubernetes.io/dockerconfigjson,kubernetes.io/basic-auth|}
stringData:
  \${3:key}: \${4:value}$0
`,
  },
  {
    kind: 'Ingress',
    apiVersion: 'networking.k8s.io/v1',
    body: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: \${1:name}
spec:
  rules:
    - host: \${2:example.com}
      http:
        paths:
          - path: \${3:/}
            pathType: \${4|Prefix,Exact,ImplementationSpecific|}
            backend:
              service:
                name: \${5:service}
                port:
                  number: \${6:80}$0
`,
  },
  {
    kind: 'StatefulSet',
    apiVersion: 'apps/v1',
    body: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: \${1:name}
spec:
  serviceName: \${3:\${1:name}}
  replicas: \${4:1}
  selector:
    matchLabels:
      app: \${1:name}
${podTemplate('  ')}
          volumeMounts:
            - name: data
              mountPath: \${5:/data}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: \${6:1Gi}$0
`,
  },
  {
    kind: 'Job',
    apiVersion: 'batch/v1',
    body: `apiVersion: batch/v1
kind: Job
metadata:
  name: \${1:name}
spec:
  backoffLimit: \${3:4}
  template:
    spec:
      restartPolicy: \${4|Never,OnFailure|}
      containers:
        - name: \${1:name}
          image: \${2:busybox:1.36}
          command: [\${5:"sh", "-c", "echo done"}]$0
`,
  },
  {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    body: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: \${1:name}
spec:
  schedule: "\${3:*/5 * * * *}"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: \${4|OnFailure,Never|}
          containers:
            - name: \${1:name}
              image: \${2:busybox:1.36}
              command: [\${5:"sh", "-c", "date"}]$0
`,
  },
  {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    body: `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: \${1:name}
spec:
  accessModes:
    - \${2|ReadWriteOnce,ReadOnlyMany,ReadWriteMany,ReadWriteOncePod|}
  resources:
    requests:
      storage: \${3:1Gi}$0
`,
  },
];
