import Redis from 'ioredis';
import type { TtlCache } from './tag-cache';

// A tag cache shared by every worker through Redis: one LLM call per question across the
// fleet, and entries survive restarts. Redis expires entries itself (PX). The cache is an
// optimisation only: when Redis is unreachable a lookup is a miss and a store is skipped,
// so tagging never fails because of it.

export type RedisTtlCache<V> = TtlCache<V> & {
  /** Counts the entries under the prefix (SCAN) and remembers it for size(). */
  refreshSize(): Promise<number>;
  close(): Promise<void>;
};

export function redisCache<V>(url: string, options: { prefix?: string; onError?: (err: unknown) => void } = {}): RedisTtlCache<V> {
  const prefix = options.prefix ?? 'examflow:';
  const onError = options.onError ?? (() => undefined);
  // Fail a command fast instead of queueing it for minutes while Redis is down.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5_000, lazyConnect: false });
  redis.on('error', onError);
  let lastSize = 0;
  let sizeAt = 0;

  const refreshSize = async () => {
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    lastSize = count;
    sizeAt = Date.now();
    return count;
  };

  return {
    async get(key) {
      try {
        const raw = await redis.get(prefix + key);
        return raw === null ? undefined : (JSON.parse(raw) as V);
      } catch (err) {
        onError(err);
        return undefined;
      }
    },
    async set(key, value, ttlMs) {
      try {
        await redis.set(prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
      } catch (err) {
        onError(err);
      }
    },
    // Synchronous by interface: the last count, refreshed in the background at most every 30 s.
    size() {
      if (Date.now() - sizeAt > 30_000) {
        sizeAt = Date.now();
        refreshSize().catch(onError);
      }
      return lastSize;
    },
    refreshSize,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
