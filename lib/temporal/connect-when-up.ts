import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../logger';

// A worker or the API started while the Temporal server is down or restarting (a deploy, a crash,
// compose starting everything at once) waits for it, as openRecords waits for PostgreSQL, rather
// than exiting: seen in a chaos run, a worker restarted the second the server was killed died and
// left every exam without a worker. Only an unreachable server is waited for; a refused
// certificate or API key fails at once.

const WAIT_MS = 120_000;

const UNREACHABLE = /tcp connect error|connection refused|ECONNREFUSED|before the deadline|unavailable|not healthy/i;

/** `connect()` once the Temporal server at `address` answers, retrying for up to two minutes while it cannot be reached. */
export async function connectWhenUp<C>(address: string, connect: () => Promise<C>): Promise<C> {
  const until = Date.now() + WAIT_MS;
  for (let delayMs = 500; ; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      return await connect();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!UNREACHABLE.test(message) || Date.now() + delayMs > until) throw err;
      logger.warn({ error: message }, `Temporal at ${address} cannot be reached yet; trying again in ${delayMs} ms`);
      await sleep(delayMs);
    }
  }
}
