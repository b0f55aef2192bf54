import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configKeys, loadConfig } from '../lib/config';
import { temporalConnectionOptions } from '../lib/temporal/temporal-connection';

// Every bad value stops start-up with a line naming the variable, what it must be, and
// (unless it is a secret) what it got.

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
};

test('an empty environment gives the embedded defaults', () => {
  const cfg = loadConfig({});
  assert.equal(cfg.TEMPORAL_ADDRESS, '127.0.0.1:7233');
  assert.equal(cfg.EXAMFLOW_API_PORT, 3000);
  assert.equal(cfg.EXAMFLOW_ARTIFACT_STORE, 'fs');
  assert.equal(cfg.EXAMFLOW_TAG_CACHE, 'memory');
  assert.equal(cfg.TEMPORAL_TLS, false);
  assert.equal(cfg.EXAMFLOW_WORKER_METRICS_PORT, undefined);
  assert.equal(cfg.EXAMFLOW_OTEL_ENDPOINT, undefined);
});

test('each bad value gets its own clear message with the value it got', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ EXAMFLOW_API_PORT: 'abc' }, /EXAMFLOW_API_PORT: must be a whole number from 0 to 65535 \(got "abc"\)/],
    [{ EXAMFLOW_API_PORT: '70000' }, /EXAMFLOW_API_PORT: must be a whole number from 0 to 65535 \(got "70000"\)/],
    [{ EXAMFLOW_OCR_WORKERS: '0' }, /EXAMFLOW_OCR_WORKERS: must be a whole number from 1 to 64/],
    [{ EXAMFLOW_MAX_PAGES: '2.5' }, /EXAMFLOW_MAX_PAGES: must be a whole number of at least 1 \(got "2.5"\)/],
    [{ EXAMFLOW_WORKER_ROLE: 'gpu' }, /EXAMFLOW_WORKER_ROLE: must be one of all, ocr, default \(got "gpu"\)/],
    [{ EXAMFLOW_ARTIFACT_STORE: 'gcs' }, /EXAMFLOW_ARTIFACT_STORE: must be one of fs, s3/],
    [{ EXAMFLOW_TAG_CACHE: 'memcached' }, /EXAMFLOW_TAG_CACHE: must be one of memory, redis/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ TEMPORAL_TLS: 'yes please' }, /TEMPORAL_TLS: must be true or false/],
    [{ EXAMFLOW_S3_FORCE_PATH_STYLE: 'maybe' }, /EXAMFLOW_S3_FORCE_PATH_STYLE: must be true or false/],
    [{ TEMPORAL_UI_URL: 'localhost:8233' }, /TEMPORAL_UI_URL: must be an absolute http\(s\) URL/],
    [{ EXAMFLOW_OTEL_ENDPOINT: 'collector' }, /EXAMFLOW_OTEL_ENDPOINT: must be an absolute http\(s\) URL/],
    [{ EXAMFLOW_WORKER_METRICS_PORT: '0' }, /EXAMFLOW_WORKER_METRICS_PORT: must be a port number from 1 to 65535/],
    [{ EXAMFLOW_REDIS_URL: 'http://cache:6379' }, /EXAMFLOW_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ EXAMFLOW_ARTIFACT_STORE: 's3' }, /EXAMFLOW_S3_BUCKET: is required when EXAMFLOW_ARTIFACT_STORE=s3/],
    [{ EXAMFLOW_TAG_CACHE: 'redis' }, /EXAMFLOW_REDIS_URL: is required when EXAMFLOW_TAG_CACHE=redis/],
    [
      { TEMPORAL_TLS_CERT_PATH: '/certs/client.pem' },
      /TEMPORAL_TLS_KEY_PATH: TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together/,
    ],
    [{ EXAMFLOW_S3_ACCESS_KEY_ID: 'id' }, /EXAMFLOW_S3_ACCESS_KEY_ID and EXAMFLOW_S3_SECRET_ACCESS_KEY go together/],
  ];
  for (const [env, expected] of cases) assert.match(problems(env), expected);
});

test('all problems are reported at once, and secrets are never echoed', () => {
  const message = problems({ EXAMFLOW_API_PORT: 'x', EXAMFLOW_MAX_PAGES: 'y', EXAMFLOW_API_KEYS: '', EXAMFLOW_LLM_TIMEOUT_MS: '5' });
  assert.match(message, /^Invalid examflow configuration:/);
  assert.match(message, /EXAMFLOW_API_PORT/);
  assert.match(message, /EXAMFLOW_MAX_PAGES/);
  assert.match(message, /EXAMFLOW_LLM_TIMEOUT_MS: must be a whole number from 100 to 600000/);
  assert.match(message, /EXAMFLOW_API_KEYS: must not be empty \(value hidden\)/);
});

test('an empty optional variable counts as unset (compose passes `${X:-}`)', () => {
  const cfg = loadConfig({ EXAMFLOW_OTEL_ENDPOINT: '', EXAMFLOW_WORKER_METRICS_PORT: '', EXAMFLOW_S3_ENDPOINT: '' });
  assert.equal(cfg.EXAMFLOW_OTEL_ENDPOINT, undefined);
  assert.equal(cfg.EXAMFLOW_WORKER_METRICS_PORT, undefined);
});

test('configKeys lists every setting, old and new', () => {
  for (const key of [
    'EXAMFLOW_DATA_DIR',
    'TEMPORAL_ADDRESS',
    'EXAMFLOW_API_KEYS',
    'EXAMFLOW_LLM_API_KEY',
    'TEMPORAL_API_KEY',
    'EXAMFLOW_S3_BUCKET',
    'EXAMFLOW_REDIS_URL',
    'EXAMFLOW_WORKER_METRICS_PORT',
    'EXAMFLOW_OTEL_ENDPOINT',
  ]) {
    assert.ok((configKeys as string[]).includes(key), key);
  }
});

test('Temporal connection options: plain by default, TLS with an API key, files read for mTLS', () => {
  assert.deepEqual(temporalConnectionOptions(loadConfig({})), { address: '127.0.0.1:7233' });
  const cloud = temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' }));
  assert.deepEqual(cloud, { address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'k' });
  const named = temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }));
  assert.deepEqual(named.tls, { serverNameOverride: 'temporal.internal' });
  assert.throws(
    () => temporalConnectionOptions(loadConfig({ TEMPORAL_TLS_CERT_PATH: '/no/such/cert.pem', TEMPORAL_TLS_KEY_PATH: '/no/such/key.pem' })),
    /TEMPORAL_TLS_CERT_PATH: cannot read \/no\/such\/cert.pem/,
  );
});

test('webhooks to private addresses are a development setting: refused in production', () => {
  assert.equal(loadConfig({ EXAMFLOW_WEBHOOK_ALLOW_PRIVATE: 'true' }).EXAMFLOW_WEBHOOK_ALLOW_PRIVATE, true);
  assert.equal(loadConfig({ NODE_ENV: 'production' }).EXAMFLOW_WEBHOOK_ALLOW_PRIVATE, false);
  assert.match(
    problems({ NODE_ENV: 'production', EXAMFLOW_WEBHOOK_ALLOW_PRIVATE: 'true' }),
    /EXAMFLOW_WEBHOOK_ALLOW_PRIVATE: must not be true in production/,
  );
});
