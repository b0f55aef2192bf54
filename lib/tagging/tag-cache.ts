import { createHash } from 'node:crypto';
import type { QuestionTags } from '../../domain/tagging';
import { config } from '../config';
import { logger } from '../logger';
import { redisCache } from './tag-cache-redis';

// Cache of LLM tagging results, so the same question on many students' papers costs one
// model call. Behind a tiny async get/set interface so a Redis implementation can replace
// the in-process Map without touching callers.

export interface TtlCache<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V, ttlMs: number): Promise<void>;
  size(): number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before the first lookup */
  hitRate: number;
  size: number;
}

/** An in-process cache: entries expire after their TTL; above `maxEntries` the oldest go first. */
export function memoryCache<V>(maxEntries: number, now: () => number = Date.now): TtlCache<V> {
  const entries = new Map<string, { value: V; expires: number }>();
  return {
    async get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    async set(key, value, ttlMs) {
      entries.delete(key); // re-insert at the end: Map order is the eviction order
      entries.set(key, { value, expires: now() + ttlMs });
      if (entries.size <= maxEntries) return;
      const t = now();
      for (const [k, e] of entries) if (e.expires <= t) entries.delete(k);
      for (const k of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(k);
      }
    },
    size: () => entries.size,
  };
}

export type CountingCache<V> = TtlCache<V> & { stats(): CacheStats; resetStats(): void };

/** Wraps a cache with hit/miss counters (for metrics). */
export function countingCache<V>(inner: TtlCache<V>): CountingCache<V> {
  let hits = 0;
  let misses = 0;
  return {
    async get(key) {
      const value = await inner.get(key);
      if (value === undefined) misses++;
      else hits++;
      return value;
    },
    set: (key, value, ttlMs) => inner.set(key, value, ttlMs),
    size: () => inner.size(),
    stats: () => ({ hits, misses, hitRate: hits + misses ? hits / (hits + misses) : 0, size: inner.size() }),
    resetStats() {
      hits = 0;
      misses = 0;
    },
  };
}

/** The cache key of a question's tags: a hash of subject, question text and answer. */
export function tagCacheKey(subject: string, text: string, answer: string): string {
  const h = createHash('sha256').update(JSON.stringify([subject.trim().toLowerCase(), text, answer])).digest('hex');
  return `tags:${h}`;
}

let shared: CountingCache<QuestionTags> | undefined;
let closeShared: (() => Promise<void>) | undefined;

/** The process-wide tag cache: in-process, or Redis when EXAMFLOW_TAG_CACHE=redis. */
export function tagCache(): CountingCache<QuestionTags> {
  if (shared) return shared;
  const cfg = config();
  if (cfg.EXAMFLOW_TAG_CACHE === 'redis') {
    const redis = redisCache<QuestionTags>(cfg.EXAMFLOW_REDIS_URL!, { onError: warnAtMostEvery(30_000) });
    closeShared = () => redis.close();
    shared = countingCache(redis);
  } else {
    shared = countingCache(memoryCache<QuestionTags>(cfg.EXAMFLOW_TAG_CACHE_MAX_ENTRIES));
  }
  return shared;
}

// ioredis reports every failed reconnect: one warning per interval is enough.
function warnAtMostEvery(ms: number): (err: unknown) => void {
  let last = 0;
  return (err) => {
    if (Date.now() - last < ms) return;
    last = Date.now();
    logger.warn({ err }, 'tag cache: Redis unavailable, tagging without the cache');
  };
}

/** Closes the Redis connection, if any, so the process can exit. */
export async function closeTagCache(): Promise<void> {
  await closeShared?.();
  closeShared = undefined;
  shared = undefined;
}

/** The TTL of a cached tag, from EXAMFLOW_TAG_CACHE_TTL_HOURS (7 days by default). */
export function tagCacheTtlMs(): number {
  return config().EXAMFLOW_TAG_CACHE_TTL_HOURS * 3600_000;
}

/** Hits, misses, hit rate and size of the process-wide tag cache. */
export function tagCacheStats(): CacheStats {
  return tagCache().stats();
}
