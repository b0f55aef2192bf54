import './helpers/env';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { redisCache, type RedisTtlCache } from '../lib/tagging/tag-cache-redis';
import { startRedis, type RedisServer } from './helpers/redis-server';

// The Redis tag cache against a real redis-server on a free loopback port: values
// round-trip, Redis expires them after their TTL, and a dead Redis is a miss, not an error.

let redis: RedisServer;
let cache: RedisTtlCache<{ knowledgePoints: string[] }>;

before(async () => {
  redis = await startRedis();
  cache = redisCache(redis.url, { prefix: `t${process.pid}:` });
});
after(async () => {
  await cache?.close();
  await redis?.stop();
});

test('a stored value comes back; an unknown key is a miss', async () => {
  await cache.set('q1', { knowledgePoints: ['实数/无理数'] }, 60_000);
  assert.deepEqual(await cache.get('q1'), { knowledgePoints: ['实数/无理数'] });
  assert.equal(await cache.get('nope'), undefined);
});

test('entries expire after their TTL', async () => {
  await cache.set('short', { knowledgePoints: ['x'] }, 150);
  assert.ok(await cache.get('short'));
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await cache.get('short'), undefined);
});

test('size counts the entries under the prefix; hit/miss counting works over Redis', async () => {
  assert.equal(await cache.refreshSize(), 1); // q1 (short has expired)
  assert.equal(cache.size(), 1);
  const { countingCache } = await import('../lib/tagging/tag-cache');
  const counted = countingCache(cache);
  await counted.get('q1');
  await counted.get('missing');
  assert.deepEqual(counted.stats(), { hits: 1, misses: 1, hitRate: 0.5, size: 1 });
});

test('createTagCache uses Redis when told to (EXAMFLOW_TAG_CACHE=redis)', async () => {
  const { createTagCache } = await import('../lib/tagging/tag-cache');
  const tagCache = createTagCache({ kind: 'redis', redisUrl: redis.url, maxEntries: 10, ttlMs: 60_000 });
  const tags = { knowledgePoints: ['勾股定理'], difficulty: 'easy' } as never;
  const other = redisCache(redis.url); // another worker, same Redis, default prefix
  try {
    await tagCache.cache.set('shared', tags, 60_000);
    assert.deepEqual(await other.get('shared'), tags);
  } finally {
    await other.close();
    await tagCache.close();
  }
});

test('when Redis is gone a lookup is a miss and a store is skipped, without throwing', async () => {
  const errors: unknown[] = [];
  const doomed = await startRedis();
  const c = redisCache<number>(doomed.url, { onError: (e) => errors.push(e) });
  await c.set('k', 1, 60_000);
  assert.equal(await c.get('k'), 1);
  await doomed.stop();
  const started = Date.now();
  assert.equal(await c.get('k'), undefined);
  await c.set('k', 2, 60_000);
  assert.ok(Date.now() - started < 10_000, 'fails fast rather than queueing');
  assert.ok(errors.length > 0);
  await c.close();
});
