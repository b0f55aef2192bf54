import { createHash } from 'node:crypto';
import type { QuestionTags } from '../../domain/tagging';
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

interface CacheStats {
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

/** Wraps a cache with hit/miss counters (for metrics); `onLookup` hears of each lookup too. */
export function countingCache<V>(inner: TtlCache<V>, onLookup?: (hit: boolean) => void): CountingCache<V> {
  let hits = 0;
  let misses = 0;
  return {
    async get(key) {
      const value = await inner.get(key);
      if (value === undefined) misses++;
      else hits++;
      onLookup?.(value !== undefined);
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
  const h = createHash('sha256')
    .update(JSON.stringify([subject.trim().toLowerCase(), text, answer]))
    .digest('hex');
  return `tags:${h}`;
}

export interface TagCacheOptions {
  /** in this process, or Redis shared by every worker */
  kind: 'memory' | 'redis';
  /** memory: the bound on entries */
  maxEntries: number;
  /** redis: the server */
  redisUrl?: string;
  /** how long a tag stays cached */
  ttlMs: number;
  /** told of every lookup (the worker's metrics) */
  onLookup?: (hit: boolean) => void;
}

/** A tag cache and how long its entries live; close() ends the Redis connection, if any. */
export interface TagCache {
  cache: CountingCache<QuestionTags>;
  ttlMs: number;
  close(): Promise<void>;
}

export function createTagCache(options: TagCacheOptions): TagCache {
  if (options.kind === 'redis') {
    if (!options.redisUrl) throw new Error('a Redis tag cache needs its URL (EXAMFLOW_REDIS_URL)');
    const redis = redisCache<QuestionTags>(options.redisUrl, { onError: warnAtMostEvery(30_000) });
    return { cache: countingCache(redis, options.onLookup), ttlMs: options.ttlMs, close: () => redis.close() };
  }
  const memory = memoryCache<QuestionTags>(options.maxEntries);
  return { cache: countingCache(memory, options.onLookup), ttlMs: options.ttlMs, close: async () => undefined };
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
