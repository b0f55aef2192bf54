import LRUCache from 'lru-cache';

// A sliding-window limit: at most `max` events in any `windowMs`, whatever the window's
// phase (a fixed window lets twice the limit through around its boundary). Each key keeps
// the times of its recent events; keys are bounded (least recently used go first), so a
// flood of distinct keys cannot grow memory without bound.

export interface SlidingWindowLimiter {
  /** Records an event for the key; null when allowed, else the whole seconds (≥ 1) until the next one would be. */
  hit(key: string): number | null;
  /** Seconds (≥ 1) until the key may act again, without recording anything; null when it may now. */
  blocked(key: string): number | null;
}

export function slidingWindowLimiter(options: {
  max: number;
  windowMs: number;
  maxKeys?: number;
  now?: () => number;
}): SlidingWindowLimiter {
  const now = options.now ?? Date.now;
  const events = new LRUCache<string, number[]>({ max: options.maxKeys ?? 50_000 });
  const recent = (key: string, at: number) => {
    const times = events.get(key) ?? [];
    const from = times.findIndex((t) => t > at - options.windowMs);
    const kept = from < 0 ? [] : from === 0 ? times : times.slice(from);
    events.set(key, kept);
    return kept;
  };
  const waitSeconds = (times: number[], at: number) =>
    Math.max(1, Math.ceil((times[times.length - options.max]! + options.windowMs - at) / 1000));
  return {
    hit(key) {
      const at = now();
      const times = recent(key, at);
      if (times.length >= options.max) return waitSeconds(times, at);
      times.push(at);
      return null;
    },
    blocked(key) {
      const at = now();
      const times = recent(key, at);
      return times.length >= options.max ? waitSeconds(times, at) : null;
    },
  };
}
