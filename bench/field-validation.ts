// npm run bench:field-validation — what field validation adds to a create:
// the one-time cost of reading the schemas and compiling a kind's shape, then
// the per-request walk of a 1 KiB pod (decoded beforehand, as the handler
// has it). Prints a table, then one JSON line.
import { performance } from 'node:perf_hooks';
import { checkBodyFields } from '../apiserver/field-validation/index.js';
import { resources } from '../proto/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200_000);

/** A pod as a tutorial writes one, about 1 KiB of JSON. */
function podJson(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web', tier: 'frontend', track: 'stable' }, annotations: { 'example.com/owner': 'team-a' } },
    spec: {
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 80 }, initialDelaySeconds: 5, periodSeconds: 10 },
          volumeMounts: [{ name: 'html', mountPath: '/usr/share/nginx/html', readOnly: true }],
        },
      ],
      volumes: [{ name: 'html', configMap: { name: 'web-html' } }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    },
  });
}

const podType = resources.find((r) => r.group === '' && r.kind === 'Pod')!;
const text = podJson('web-0');
const bodies = Array.from({ length: 1_000 }, () => JSON.parse(text) as Record<string, unknown>);

let start = performance.now();
checkBodyFields(podType, JSON.parse(text) as Record<string, unknown>, 'Strict');
const firstUseMs = performance.now() - start;

// Warm up, then measure; each round walks a fresh decoded body.
for (let i = 0; i < 10_000; i++) checkBodyFields(podType, bodies[i % bodies.length]!, 'Strict');
const copies = Array.from({ length: ROUNDS }, (_, i) => bodies[i % bodies.length]!);
start = performance.now();
for (const body of copies) checkBodyFields(podType, body, 'Strict');
const perCreateUs = ((performance.now() - start) * 1000) / ROUNDS;

start = performance.now();
for (let i = 0; i < ROUNDS; i++) JSON.parse(text);
const parseUs = ((performance.now() - start) * 1000) / ROUNDS;

console.log(`pod body: ${text.length} bytes of JSON`);
console.log(`first use (read schemas, compile the Pod shape): ${firstUseMs.toFixed(1)} ms`);
console.log(`field validation per create: ${perCreateUs.toFixed(2)} µs (JSON.parse of the same body: ${parseUs.toFixed(2)} µs)`);
console.log(JSON.stringify({ bodyBytes: text.length, firstUseMs: Math.round(firstUseMs * 10) / 10, perCreateUs: Math.round(perCreateUs * 100) / 100, parseUs: Math.round(parseUs * 100) / 100 }));
