import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { configKeys } from '../lib/config';

// The production topology, checked without a Docker engine: `docker-compose config` must
// accept the file, every image is pinned, every long-running service has a healthcheck,
// and every EXAMFLOW_*/TEMPORAL_* variable it sets is a real setting of lib/config.ts.

const root = path.resolve(__dirname, '../..');
interface Service {
  image?: string;
  ports?: (string | { target: number; published?: string | number })[];
  volumes?: (string | { source?: string; target?: string })[];
  healthcheck?: { test?: unknown; disable?: boolean };
  environment?: Record<string, string | null>;
  restart?: string;
  profiles?: string[];
}

function composeConfig(): { services: Record<string, Service> } {
  const out = execFileSync('docker-compose', ['-f', path.join(root, 'docker-compose.yml'), 'config'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      EXAMFLOW_API_KEYS: 'school-1:compose-test-token,*:compose-admin-token',
      EXAMFLOW_PAYLOAD_KEY: 'compose-test-payload-key',
      EXAMFLOW_CODEC_TOKEN: 'compose-admin-token',
      TEMPORAL_UI_USER: 'operator',
      TEMPORAL_UI_PASSWORD_HASH: '$2a$14$compose.test.hash.not.a.real.one.000000000000000000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parse(out) as { services: Record<string, Service> };
}

const { services } = composeConfig();
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

test('docker-compose config accepts the file and it has the whole topology', () => {
  for (const name of ['postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui', 'temporal-ui-proxy', 'api', 'worker-ocr', 'worker-default', 'minio', 'minio-init', 'redis', 'prometheus', 'grafana']) {
    assert.ok(services[name], `service ${name}`);
  }
});

test('every image is pinned to a version; examflow is tagged with package.json version', () => {
  for (const [name, s] of Object.entries(services)) {
    assert.ok(s.image, `${name} has an image`);
    const tag = s.image!.split(':').at(-1)!;
    assert.ok(s.image!.includes(':') && tag !== 'latest' && /\d/.test(tag), `${name}: ${s.image} is not pinned`);
    if (s.image!.startsWith('examflow:')) assert.equal(s.image, `examflow:${version}`, name);
  }
  const froms = readFileSync(path.join(root, 'Dockerfile'), 'utf8').match(/^FROM\s+\S+/gm) ?? [];
  assert.ok(froms.length >= 2, 'multi-stage Dockerfile');
  for (const from of froms) assert.match(from, /:\d[\w.-]*$/, `${from} is pinned`);
});

test('every long-running service has a healthcheck (one-shot jobs excepted)', () => {
  for (const [name, s] of Object.entries(services)) {
    if (s.restart === 'no') continue;
    assert.ok(s.healthcheck?.test && !s.healthcheck.disable, `${name} has a healthcheck`);
  }
});

test('every EXAMFLOW_* / TEMPORAL_* variable set is a setting of lib/config.ts', () => {
  const known = new Set<string>(configKeys);
  const examflowServices = Object.entries(services).filter(([, s]) => s.image?.startsWith('examflow:'));
  assert.equal(examflowServices.length, 3);
  for (const [name, s] of examflowServices) {
    for (const key of Object.keys(s.environment ?? {})) {
      if (/^(EXAMFLOW|TEMPORAL)_/.test(key)) assert.ok(known.has(key), `${name} sets ${key}, which lib/config.ts does not read`);
    }
  }
});

test('workers are split by role, export metrics, and compose uses S3 and Redis', () => {
  assert.equal(services['worker-ocr']!.environment!.EXAMFLOW_WORKER_ROLE, 'ocr');
  assert.equal(services['worker-default']!.environment!.EXAMFLOW_WORKER_ROLE, 'default');
  for (const name of ['worker-ocr', 'worker-default']) assert.ok(services[name]!.environment!.EXAMFLOW_WORKER_METRICS_PORT, name);
  for (const name of ['api', 'worker-ocr', 'worker-default']) {
    assert.equal(services[name]!.environment!.EXAMFLOW_ARTIFACT_STORE, 's3', name);
    assert.equal(services[name]!.environment!.EXAMFLOW_TAG_CACHE, 'redis', name);
  }
});

test('the admin tools register every custom search attribute of workflows/search-attributes.ts', async () => {
  const { examSearchAttributes } = await import('../workflows/search-attributes');
  const command = JSON.stringify(services['temporal-admin-tools']);
  for (const key of examSearchAttributes) {
    const type = key.type === 'DOUBLE' ? 'Double' : 'Keyword';
    assert.ok(command.includes(`${key.name}:${type}`), `${key.name}:${type}`);
  }
});

test('Prometheus scrapes the API and both worker kinds; Grafana provisions the dashboard', () => {
  const prom = readFileSync(path.join(root, 'deploy/prometheus/prometheus.yml'), 'utf8');
  for (const target of ['api', 'worker-ocr', 'worker-default']) assert.match(prom, new RegExp(`names: \\[${target}\\]`));
  const dashboard = JSON.parse(readFileSync(path.join(root, 'deploy/grafana/dashboards/examflow.json'), 'utf8')) as { panels: { title: string }[] };
  const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
  for (const panel of ['exams by status', 'throughput', 'step latency', 'backlog', 'activity failures', 'worker slots']) assert.ok(titles.includes(panel), panel);
});

test('Temporal is not exposed: no published gRPC port, the Web UI only behind the authenticating proxy', () => {
  const published = (s: Service) => (s.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published ?? ''}:${p.target}`));
  for (const [name, s] of Object.entries(services)) {
    assert.ok(!published(s).some((p) => /(^|:)7233$|:7233:|^7233/.test(p)), `${name} publishes Temporal's gRPC port`);
  }
  assert.deepEqual(published(services['temporal']!), [], 'the Temporal server publishes nothing');
  assert.deepEqual(published(services['temporal-ui']!), [], 'the Web UI is not published directly');
  assert.ok(published(services['temporal-ui-proxy']!).some((p) => /8233/.test(p)), 'the proxy serves the UI');
  const caddyfile = readFileSync(path.join(root, 'deploy/caddy/Caddyfile'), 'utf8');
  assert.match(caddyfile, /basic_auth/);
  assert.match(caddyfile, /reverse_proxy temporal-ui:8080/);
});

test('production compose refuses private webhook targets and requires a payload key', () => {
  for (const name of ['api', 'worker-ocr', 'worker-default']) {
    const env = services[name]!.environment!;
    assert.equal(env.EXAMFLOW_WEBHOOK_ALLOW_PRIVATE, 'false', name);
    assert.equal(env.EXAMFLOW_PAYLOAD_KEY, 'compose-test-payload-key', `${name} takes the payload key from the environment`);
  }
  const raw = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
  assert.match(raw, /EXAMFLOW_PAYLOAD_KEY: \$\{EXAMFLOW_PAYLOAD_KEY:\?/, 'no default payload key in production');
});
