import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { S3ArtifactStore } from '../lib/artifacts/artifact-store-s3';
import { createArtifactStore } from '../lib/artifacts/artifacts';
import { loadConfig } from '../lib/config';
import { startS3, type S3Server } from './helpers/s3-server';

// The S3 artifact store against a real S3-compatible server on loopback (s3rver), with the
// same contract as the filesystem store: overwrite on put, ENOENT on a missing key,
// one-level listing, prefix removal, key validation.

let s3: S3Server;
let store: S3ArtifactStore;

before(async () => {
  s3 = await startS3();
  store = new S3ArtifactStore({
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
  });
});
after(async () => {
  store?.client.destroy();
  await s3?.stop();
});

test('put and get round-trip bytes and JSON; a second put overwrites the key', async () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
  assert.equal(await store.put('exams/e1/pages/001.img', bytes), 'exams/e1/pages/001.img');
  assert.deepEqual(await store.get('exams/e1/pages/001.img'), bytes);
  await store.putJson('exams/e1/result.json', { score: 80, name: '李明' });
  await store.putJson('exams/e1/result.json', { score: 85, name: '李明' });
  assert.deepEqual(await store.getJson('exams/e1/result.json'), { score: 85, name: '李明' });
});

test('exists, and a missing key rejects with code ENOENT like the filesystem store', async () => {
  await store.put('exams/e2/input.json', '{}');
  assert.equal(await store.exists('exams/e2/input.json'), true);
  assert.equal(await store.exists('exams/e2/nothing.json'), false);
  await assert.rejects(store.get('exams/e2/nothing.json'), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
});

test('list returns the keys directly inside a prefix, sorted, and [] for an empty one', async () => {
  await store.put('templates/school-1/b.json', '{}');
  await store.put('templates/school-1/a.json', '{}');
  await store.put('templates/school-1/nested/c.json', '{}');
  await store.put('templates/school-10/x.json', '{}');
  assert.deepEqual(await store.list('templates/school-1'), ['templates/school-1/a.json', 'templates/school-1/b.json']);
  assert.deepEqual(await store.list('templates/nobody'), []);
});

test('list and remove follow continuation tokens past one page of results', async () => {
  const paged = new S3ArtifactStore({
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    pageSize: 10,
  });
  const keys = Array.from({ length: 25 }, (_, i) => `many/k${String(i).padStart(2, '0')}`);
  for (const k of keys) await paged.put(k, 'x');
  assert.deepEqual(await paged.list('many'), keys);
  await paged.remove('many');
  assert.deepEqual(await paged.list('many'), []);
  paged.client.destroy();
});

test('remove deletes a single key or a whole prefix, and is a no-op when absent', async () => {
  await store.put('exams/e3/result.json', '{}');
  await store.put('exams/e3/ocr/001.json', '{}');
  await store.put('exams/e30/result.json', '{}');
  await store.remove('exams/e3/ocr/001.json');
  assert.equal(await store.exists('exams/e3/ocr/001.json'), false);
  await store.put('exams/e3/ocr/001.json', '{}');
  await store.remove('exams/e3');
  assert.equal(await store.exists('exams/e3/result.json'), false);
  assert.equal(await store.exists('exams/e3/ocr/001.json'), false);
  assert.equal(await store.exists('exams/e30/result.json'), true, 'a sibling with a longer name is untouched');
  await store.remove('exams/never-existed');
});

test('keys that could escape or break the layout are refused before any request', async () => {
  for (const bad of ['../etc/passwd', '/abs', 'a//b', 'a/../b', '']) {
    await assert.rejects(store.put(bad, 'x'), /invalid artifact key/, bad);
  }
});

test('createArtifactStore builds the S3 store when EXAMFLOW_ARTIFACT_STORE=s3', async () => {
  const cfg = loadConfig({
    ...process.env,
    EXAMFLOW_ARTIFACT_STORE: 's3',
    EXAMFLOW_S3_ENDPOINT: s3.endpoint,
    EXAMFLOW_S3_BUCKET: s3.bucket,
    EXAMFLOW_S3_ACCESS_KEY_ID: s3.accessKeyId,
    EXAMFLOW_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    EXAMFLOW_S3_FORCE_PATH_STYLE: 'true',
  });
  const configured = createArtifactStore(cfg);
  assert.ok(configured instanceof S3ArtifactStore);
  await configured.putJson('templates/t/x.json', { ok: true });
  assert.deepEqual(await store.getJson('templates/t/x.json'), { ok: true });
  configured.client.destroy();
});

test('create is write-once: a second create of the key rejects with EEXIST and leaves the first object', async () => {
  await store.create('exams/e9/pages/001.img', Buffer.from('alice'));
  await assert.rejects(
    store.create('exams/e9/pages/001.img', Buffer.from('bob')),
    (err: unknown) => (err as NodeJS.ErrnoException).code === 'EEXIST',
  );
  await assert.rejects(
    store.createJson('exams/e9/pages/001.img', { who: 'bob' }),
    (err: unknown) => (err as NodeJS.ErrnoException).code === 'EEXIST',
  );
  assert.equal((await store.get('exams/e9/pages/001.img')).toString(), 'alice');
});
