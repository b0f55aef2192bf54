import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FsArtifactStore } from '../lib/artifacts/artifact-store-fs';

// A submission's files are written once: of two racing writers of one key, exactly one wins
// and the other's bytes never land (the idempotency race of issue 13).

test('fs store: of many concurrent creates of one key exactly one wins, whole, and no temp file is left', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'examflow-write-once-'));
  const store = new FsArtifactStore(root);
  const writers = Array.from({ length: 16 }, (_, i) => Buffer.alloc(256 * 1024, i));
  const outcomes = await Promise.allSettled(writers.map((data) => store.create('exams/x/pages/001.img', data)));
  const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
  assert.equal(winners.length, 1);
  for (const o of outcomes) if (o.status === 'rejected') assert.equal((o.reason as NodeJS.ErrnoException).code, 'EEXIST');
  assert.ok((await store.get('exams/x/pages/001.img')).equals(writers[winners[0]!]!), 'the stored bytes are all the winner’s');
  assert.deepEqual(readdirSync(path.join(root, 'exams/x/pages')), ['001.img']);
  await store.put('exams/x/pages/001.img', 'put still overwrites (activities’ own outputs)');
});
