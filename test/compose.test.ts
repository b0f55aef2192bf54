import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { configKeys } from '../lib/config';

// The production topology, checked without a Docker engine: `docker-compose config` must
// accept the file, and the rules of issue 18 hold: upstream's server + schema job + namespace
// job pattern, restart policies, limits, log rotation, nothing published but the proxy,
// secrets required, pinned and patched images, alerts, backups, Worker Versioning.
// `npm run test:prod` runs the same topology from the same binaries.

const root = path.resolve(__dirname, '../..');
type Env = Record<string, string | null>;
interface Service {
  image?: string;
  build?: { context?: string; args?: Env };
  command?: string[] | string;
  entrypoint?: string[] | string;
  ports?: (string | { target: number; published?: string | number })[];
  volumes?: (string | { source?: string; target?: string; read_only?: boolean })[];
  healthcheck?: { test?: unknown; disable?: boolean };
  environment?: Env;
  restart?: string;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number; resources?: { limits?: { cpus?: string | number; memory?: string | number } } };
  logging?: { driver?: string; options?: Record<string, string> };
}

/** Every secret compose requires, with a stand-in value. */
const secrets: Record<string, string> = {
  EXAMFLOW_API_KEYS: 'school-1:compose-test-token,*:compose-admin-token',
  EXAMFLOW_PAYLOAD_KEY: 'compose-test-payload-key',
  EXAMFLOW_CODEC_TOKEN: 'compose-admin-token',
  POSTGRES_PASSWORD: 'compose-test-postgres',
  EXAMFLOW_DB_PASSWORD: 'compose-test-examflow-db',
  EXAMFLOW_S3_ACCESS_KEY_ID: 'compose-test-app-key',
  EXAMFLOW_S3_SECRET_ACCESS_KEY: 'compose-test-app-secret',
  OBJECT_STORE_ADMIN_ACCESS_KEY: 'compose-test-admin-key',
  OBJECT_STORE_ADMIN_SECRET_KEY: 'compose-test-admin-secret',
  EXAMFLOW_DOMAIN: 'exams.school.example',
  OPERATOR_USER: 'operator',
  OPERATOR_PASSWORD_HASH: '$2a$14$compose.test.hash.not.a.real.one.000000000000000000000',
  GRAFANA_ADMIN_PASSWORD: 'compose-test-grafana',
  ALERT_WEBHOOK_URL: 'https://alerts.school.example/hook',
};

function runConfig(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in secrets)));
  return spawnSync('docker-compose', ['-f', path.join(root, 'docker-compose.yml'), 'config'], {
    encoding: 'utf8',
    env: { ...clean, ...env },
  });
}

function composeConfig(): { services: Record<string, Service> } {
  const out = runConfig(secrets);
  assert.equal(out.status, 0, out.stderr);
  return parse(out.stdout) as { services: Record<string, Service> };
}

const { services } = composeConfig();
const raw = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const oneShot = (s: Service) => s.restart === 'no';
const longRunning = Object.entries(services).filter(([, s]) => !oneShot(s));
const examflowServices = Object.entries(services).filter(([, s]) => s.image?.startsWith('examflow:'));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const published = (s: Service) => (s.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published ?? ''}:${p.target}`));
const mounts = (s: Service) =>
  (s.volumes ?? []).map((v) => (typeof v === 'string' ? v.replace(/:(ro|rw)$/, '') : `${v.source}:${v.target}`));

test('docker-compose config accepts the file and it has the whole topology', () => {
  for (const name of [
    'postgresql',
    'temporal-schema',
    'temporal',
    'temporal-admin-tools',
    'temporal-ui',
    'examflow-db-init',
    'api',
    'worker-ocr',
    'worker-default',
    'worker-rollout',
    'object-store',
    'object-store-init',
    'redis',
    'proxy',
    'prometheus',
    'alertmanager',
    'grafana',
    'backup',
    'object-store-backup',
  ]) {
    assert.ok(services[name], `service ${name}`);
  }
});

test('every secret is required: compose refuses to start without it, and none has a default', () => {
  // Each secret is only ever read as ${KEY:?…} (required, no default)…
  for (const key of Object.keys(secrets)) {
    const uses = raw.match(new RegExp(`\\$\\{${key}[^}]*\\}`, 'g')) ?? [];
    assert.ok(uses.length > 0, `${key} is used`);
    for (const use of uses) assert.ok(use.startsWith(`\${${key}:?`), `${use} must be required`);
  }
  assert.doesNotMatch(raw, /\$\{[A-Z_]*(PASSWORD|SECRET|_KEY|TOKEN)[A-Z_]*:-[^}]/, 'a secret with a default value');
  // …and compose really stops on a missing one (one run: each run takes seconds).
  const { POSTGRES_PASSWORD: _missing, ...rest } = secrets;
  const out = runConfig(rest);
  assert.notEqual(out.status, 0, 'compose accepted a missing POSTGRES_PASSWORD');
  assert.match(out.stderr, /POSTGRES_PASSWORD/);
});

test('every image is pinned to a version; examflow is tagged with package.json version', () => {
  for (const [name, s] of Object.entries(services)) {
    assert.ok(s.image, `${name} has an image`);
    const tag = s.image.split(':').at(-1)!;
    assert.ok(s.image.includes(':') && tag !== 'latest' && /\d/.test(tag), `${name}: ${s.image} is not pinned`);
    if (s.image.startsWith('examflow:')) assert.equal(s.image, `examflow:${version}`, name);
  }
  const froms = read('Dockerfile').match(/^FROM\s+\S+/gm) ?? [];
  assert.ok(froms.length >= 2, 'multi-stage Dockerfile');
  for (const from of froms) assert.match(from, /:\d[\w.-]*$/, `${from} is pinned`);
});

test('images are current: no auto-setup, no MinIO, patched Redis, Node 22 LTS at runtime', () => {
  const images = Object.values(services).map((s) => s.image!);
  assert.ok(!images.some((i) => i.startsWith('temporalio/auto-setup')), 'auto-setup is development-only');
  assert.equal(services.temporal!.image, 'temporalio/server:1.29.1');
  assert.ok(!images.some((i) => /minio/.test(i)), 'MinIO publishes no images any more');
  const redis = services.redis!.image!.match(/^redis:(\d+)\.(\d+)\.(\d+)/)!;
  assert.ok(
    Number(redis[1]) > 7 || (Number(redis[1]) === 7 && (Number(redis[2]) > 4 || Number(redis[3]) >= 6)),
    `${services.redis!.image} predates 7.4.6`,
  );
  for (const from of read('Dockerfile').match(/^FROM\s+node:\S+/gm) ?? [])
    assert.match(from, /node:22\./, `${from}: Node 20 is past its end of life`);
});

test('the image is built for production only: .dockerignore keeps tests, benchmarks and secrets out', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim());
  for (const entry of ['test', 'bench', 'scripts', 'node_modules', 'dist', '.git', '.env'])
    assert.ok(ignored.includes(entry), `.dockerignore lists ${entry}`);
  const dockerfile = read('Dockerfile');
  assert.match(dockerfile, /tsc -p tsconfig\.build\.json/);
  const build = JSON.parse(read('tsconfig.build.json').replace(/^\s*\/\/.*$/gm, '')) as { exclude: string[] };
  for (const dir of ['test', 'bench', 'scripts']) assert.ok(build.exclude.includes(dir), `tsconfig.build.json excludes ${dir}`);
  assert.doesNotMatch(dockerfile, /COPY (test|bench) /);
});

test('every long-running service restarts, has a healthcheck, limits and rotated logs; jobs run once', () => {
  for (const [name, s] of Object.entries(services)) {
    assert.equal(s.logging?.driver, 'json-file', `${name} logs rotate`);
    assert.ok(s.logging?.options?.['max-size'] && s.logging.options['max-file'], `${name} log size bounded`);
    if (oneShot(s)) continue;
    assert.ok(['unless-stopped', 'always'].includes(s.restart ?? ''), `${name} has restart: ${s.restart}`);
    assert.ok(s.healthcheck?.test && !s.healthcheck.disable, `${name} has a healthcheck`);
    if (s.profiles) continue;
    assert.ok(s.deploy?.resources?.limits?.memory && s.deploy.resources.limits.cpus, `${name} has CPU and memory limits`);
  }
  assert.ok(longRunning.length >= 12);
});

test('nothing is published but the proxy: HTTPS for the API, the Web UI and Grafana behind basic auth', () => {
  for (const [name, s] of Object.entries(services))
    if (name !== 'proxy') assert.deepEqual(published(s), [], `${name} publishes ${published(s).join(', ')}`);
  assert.deepEqual(
    published(services.proxy!)
      .map((p) => p.split(':').at(-1))
      .sort(),
    ['3001', '443', '80', '8233'],
  );
  const caddyfile = read('deploy/caddy/Caddyfile');
  const site = (address: string) => {
    const from = caddyfile.indexOf(`\n${address} {`);
    assert.ok(from >= 0, `a site for ${address}`);
    return caddyfile.slice(from, caddyfile.indexOf('\n}', from));
  };
  const apiSite = site('{$EXAMFLOW_DOMAIN}');
  assert.match(apiSite, /reverse_proxy api:3000/, 'the API behind HTTPS on the domain');
  assert.match(apiSite, /@metrics path \/metrics\s+respond @metrics 404/, '/metrics is not served outside');
  for (const [port, upstream] of [
    ['8233', 'temporal-ui:8080'],
    ['3001', 'grafana:3000'],
  ]) {
    assert.match(
      site(`{$EXAMFLOW_DOMAIN}:${port}`),
      new RegExp(`import operators_only[\\s\\S]*reverse_proxy ${upstream}`),
      `${upstream} behind basic auth`,
    );
  }
  assert.match(caddyfile, /basic_auth \{\s*\{\$OPERATOR_USER\} \{\$OPERATOR_PASSWORD_HASH\}/);
  assert.equal(services['temporal-ui']!.environment!.TEMPORAL_DISABLE_WRITE_ACTIONS, 'true', 'UI write actions off');
  assert.equal(services.grafana!.environment!.GF_AUTH_ANONYMOUS_ENABLED, 'false');
});

test("Temporal follows upstream's production pattern: schema job, namespace job, mounted config and dynamic config", () => {
  const after = (name: string, job: string) =>
    assert.equal(services[name]!.depends_on?.[job]?.condition, 'service_completed_successfully', `${name} waits for ${job}`);
  after('temporal', 'temporal-schema');
  for (const name of ['api', 'worker-ocr', 'worker-default']) {
    after(name, 'temporal-admin-tools');
    after(name, 'examflow-db-init');
    after(name, 'object-store-init');
  }
  assert.match(JSON.stringify(services['temporal-schema']!.entrypoint), /examflow-setup-schema\.sh/);
  assert.ok(
    mounts(services['temporal-schema']!).some((m) => m.endsWith('deploy/temporal/setup-schema.sh:/usr/local/bin/examflow-setup-schema.sh')),
  );
  assert.match(JSON.stringify(services['temporal-admin-tools']!.entrypoint), /examflow-setup-namespace\.sh/);
  assert.ok(services['temporal-admin-tools']!.environment!.EXAMFLOW_HISTORY_RETENTION_DAYS, 'retention from configuration');
  const temporal = services.temporal!;
  assert.ok(mounts(temporal).some((m) => m.endsWith('deploy/temporal/config/docker.yaml:/etc/temporal/config/docker.yaml')));
  const dynamic = mounts(temporal).find((m) => m.includes('deploy/temporal/dynamicconfig/production.yaml'))!;
  assert.equal(dynamic.split(':')[1], temporal.environment!.DYNAMIC_CONFIG_FILE_PATH);
  const dynamicConfig = parse(read('deploy/temporal/dynamicconfig/production.yaml')) as Record<string, { value: unknown }[]>;
  assert.equal(dynamicConfig['matching.useNewMatcher']?.[0]?.value, true, 'the priority matcher is on');
  assert.match(temporal.environment!.NUM_HISTORY_SHARDS ?? '', /^\d+$/, 'the shard count is chosen');
  // Both scripts fail on errors and treat only "already exists" as success.
  for (const script of ['deploy/temporal/setup-schema.sh', 'deploy/temporal/setup-namespace.sh']) {
    const text = read(script);
    assert.match(text, /^set -eu/m, script);
    assert.doesNotMatch(text, /\|\| true/, `${script} ignores errors`);
    assert.match(text, /already exists/, script);
  }
});

test('the namespace job registers every custom search attribute of workflows/search-attributes.ts', async () => {
  const { examSearchAttributes } = await import('../workflows/search-attributes');
  const script = read('deploy/temporal/setup-namespace.sh');
  const listed = script.match(/search_attributes="([^"]+)"/)![1]!.split(/\s+/);
  const expected = examSearchAttributes.map((key) => `${key.name}:${key.type === 'DOUBLE' ? 'Double' : 'Keyword'}`);
  assert.deepEqual(listed.sort(), expected.sort());
});

test('every EXAMFLOW_* / TEMPORAL_* variable set on examflow services is a setting of lib/config.ts', () => {
  const known = new Set<string>(configKeys);
  assert.equal(examflowServices.length, 3);
  for (const [name, s] of examflowServices) {
    for (const key of Object.keys(s.environment ?? {})) {
      if (/^(EXAMFLOW|TEMPORAL)_/.test(key)) assert.ok(known.has(key), `${name} sets ${key}, which lib/config.ts does not read`);
    }
  }
  assert.ok(known.has('EXAMFLOW_BUILD_ID'));
});

test('the app uses its own object-store identity, never the admin one', () => {
  for (const [name, s] of examflowServices) {
    assert.equal(s.environment!.EXAMFLOW_S3_ACCESS_KEY_ID, secrets.EXAMFLOW_S3_ACCESS_KEY_ID, name);
    assert.ok(!Object.values(s.environment!).includes(secrets.OBJECT_STORE_ADMIN_SECRET_KEY!), `${name} holds the admin secret`);
    assert.ok(!Object.values(s.environment!).includes(secrets.POSTGRES_PASSWORD!), `${name} holds the PostgreSQL superuser password`);
  }
  const start = read('deploy/object-store/start.sh');
  assert.match(start, /"actions": \["Read:examflow", "Write:examflow", "List:examflow", "Tagging:examflow"\]/);
});

test('workers are split by role, versioned by the image tag, export metrics, and compose uses S3 and Redis', () => {
  assert.equal(services['worker-ocr']!.environment!.EXAMFLOW_WORKER_ROLE, 'ocr');
  assert.equal(services['worker-default']!.environment!.EXAMFLOW_WORKER_ROLE, 'default');
  for (const name of ['worker-ocr', 'worker-default']) assert.ok(services[name]!.environment!.EXAMFLOW_WORKER_METRICS_PORT, name);
  for (const name of ['api', 'worker-ocr', 'worker-default']) {
    assert.equal(services[name]!.environment!.EXAMFLOW_ARTIFACT_STORE, 's3', name);
    assert.equal(services[name]!.environment!.EXAMFLOW_TAG_CACHE, 'redis', name);
  }
  assert.equal(services.api!.build?.args?.EXAMFLOW_BUILD_ID, version, 'the image carries its tag as build id');
  assert.match(read('Dockerfile'), /ENV EXAMFLOW_BUILD_ID=\$\{EXAMFLOW_BUILD_ID\}/);
  assert.equal(services['worker-rollout']!.environment!.EXAMFLOW_BUILD_ID, version, 'the rollout makes this build current');
});

test('alerts: rules for workers down, backlog age, slots exhausted and failure rate, sent to Alertmanager', () => {
  const prom = read('deploy/prometheus/prometheus.yml');
  for (const target of ['api', 'worker-ocr', 'worker-default']) assert.match(prom, new RegExp(`names: \\[${target}\\]`));
  assert.match(prom, /alerts\.yml/);
  assert.match(prom, /alertmanager:9093/);
  const rules = (
    parse(read('deploy/prometheus/alerts.yml')) as {
      groups: { rules: { alert: string; expr: string; annotations: { description: string } }[] }[];
    }
  ).groups.flatMap((g) => g.rules);
  const names = rules.map((r) => r.alert);
  for (const alert of [
    'ExamflowWorkersDown',
    'ExamflowBacklogAging',
    'ExamflowWorkerSlotsExhausted',
    'ExamflowActivityFailureRate',
    'ExamflowExamFailureRate',
  ])
    assert.ok(names.includes(alert), alert);
  for (const r of rules) assert.ok(r.annotations.description.length > 20, `${r.alert} says what it means`);
  const readme = read('README.md');
  for (const alert of names) assert.ok(readme.includes(alert), `README explains ${alert}`);
  assert.ok(mounts(services.prometheus!).some((m) => m.endsWith('/etc/prometheus/alerts.yml')));
  assert.match(read('deploy/alertmanager/alertmanager.yml'), /url_file:/);
});

test('dashboard: backlog by the server taskqueue label, wait in ms, every panel provisioned', () => {
  const dashboard = JSON.parse(read('deploy/grafana/dashboards/examflow.json')) as {
    panels: { title: string; targets: { expr: string }[]; fieldConfig?: { defaults?: { unit?: string } } }[];
  };
  const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
  for (const panel of ['exams by status', 'throughput', 'step latency', 'backlog', 'activity failures', 'worker slots'])
    assert.ok(titles.includes(panel), panel);
  const backlog = dashboard.panels.find((p) => p.title.toLowerCase().startsWith('backlog'))!;
  const serverQuery = backlog.targets.find((t) => t.expr.includes('approximate_backlog_count'))!;
  assert.match(serverQuery.expr, /by \(taskqueue\)/, "the server's label is taskqueue");
  assert.equal(backlog.fieldConfig?.defaults?.unit, 'ms');
  for (const p of dashboard.panels)
    if (p.targets.some((t) => /latency_bucket/.test(t.expr) && /temporal_/.test(t.expr)))
      assert.equal(p.fieldConfig?.defaults?.unit, 'ms', p.title);
});

test('backups: scheduled dumps and object-store mirroring in compose, with a restore script', () => {
  const backup = services.backup!;
  assert.match(JSON.stringify(backup.entrypoint), /schedule\.sh/);
  assert.ok(backup.environment!.BACKUP_INTERVAL_HOURS && backup.environment!.BACKUP_KEEP_DAYS);
  assert.ok(mounts(backup).some((m) => m.startsWith('backups:')));
  assert.match(JSON.stringify(services['object-store-backup']!.entrypoint), /filer\.backup/);
  assert.match(read('deploy/object-store/replication.toml'), /\[sink\.local\]\s*\nenabled = true/);
  const restore = read('deploy/backup/restore.sh');
  assert.match(restore, /pg_restore --exit-on-error --create/);
  assert.match(read('deploy/backup/backup.sh'), /pg_dump --format=custom/);
});

test('the Web UI decrypts payloads only through the proxy, which adds the admin codec token', () => {
  assert.deepEqual(published(services['temporal-ui']!), [], 'the Web UI is not published directly');
  assert.match(services['temporal-ui']!.environment!.TEMPORAL_CODEC_ENDPOINT!, /:8233\/codec$/);
  const caddyfile = read('deploy/caddy/Caddyfile');
  assert.match(caddyfile, /handle_path \/codec\/\*/);
  assert.match(caddyfile, /header_up Authorization "Bearer \{\$EXAMFLOW_CODEC_TOKEN\}"/);
});

test('production compose refuses private webhook targets and requires a payload key', () => {
  for (const name of ['api', 'worker-ocr', 'worker-default']) {
    const env = services[name]!.environment!;
    assert.equal(env.EXAMFLOW_WEBHOOK_ALLOW_PRIVATE, 'false', name);
    assert.equal(env.EXAMFLOW_PAYLOAD_KEY, 'compose-test-payload-key', `${name} takes the payload key from the environment`);
  }
  assert.match(raw, /EXAMFLOW_PAYLOAD_KEY: \$\{EXAMFLOW_PAYLOAD_KEY:\?/, 'no default payload key in production');
});
