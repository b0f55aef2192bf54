import type { Client } from '@temporalio/client';
import type { Config } from '../../lib/config';
import type { ApiDeps } from '../deps';
import { ApiError } from '../http/errors';
import { examQuery } from './visibility';

// Admission control: above EXAMFLOW_MAX_IN_FLIGHT running exams in all, or above a
// tenant's share of it (EXAMFLOW_TENANT_SHARE), new submissions are refused with 429 and
// Retry-After rather than queued without bound, so one school's load cannot starve the
// others. The counts come from visibility, refreshed about once a second, so a burst of
// submissions costs one query per scope and none of them waits for it. An exam waiting for
// a teacher holds no worker and may wait for days: it is not in flight. The 429 names no
// figures: one tenant learns nothing of another's load.

interface Count {
  at: number;
  inFlight: number;
}
const counts = new Map<string, Count>();
/** the counts being fetched: a burst of submissions shares one query per scope */
const counting = new Map<string, Promise<void>>();
const freshMs = 1_000;
/** Rough drain time of the excess, for Retry-After: a page of OCR is a few seconds a core. */
const secondsPerExcessExam = 2;

/** The in-flight count of one tenant, or of all (scope null), at most about a second old. */
async function inFlight(client: Client, scope: string | null): Promise<Count> {
  const key = scope ?? '*';
  const cached = counts.get(key);
  if (!cached || Date.now() - cached.at > freshMs) {
    let pending = counting.get(key);
    if (!pending) {
      pending = client.workflow
        .count(`${examQuery({ scope })} AND ExecutionStatus = 'Running' AND ExamStatus != 'needs_review'`)
        .then(({ count }) => {
          counts.set(key, { at: Date.now(), inFlight: count });
        })
        .finally(() => counting.delete(key));
      counting.set(key, pending);
    }
    // Only the first submission waits; later ones go on the last count while it refreshes.
    if (cached) pending.catch(() => undefined);
    else await pending;
  }
  return counts.get(key)!;
}

/** How many exams one tenant may have in flight at once. */
export function tenantAdmissionLimit(cfg: Pick<Config, 'EXAMFLOW_MAX_IN_FLIGHT' | 'EXAMFLOW_TENANT_SHARE'>): number {
  return Math.max(1, Math.floor(cfg.EXAMFLOW_MAX_IN_FLIGHT * cfg.EXAMFLOW_TENANT_SHARE));
}

/** Counts `count` more exams in flight for the tenant, or refuses them with 429 and Retry-After. */
export async function admitExams({ client, cfg }: ApiDeps, tenantId: string, count: number): Promise<void> {
  const [all, tenant] = await Promise.all([inFlight(client, null), inFlight(client, tenantId)]);
  const excess = Math.max(all.inFlight + count - cfg.EXAMFLOW_MAX_IN_FLIGHT, tenant.inFlight + count - tenantAdmissionLimit(cfg));
  if (excess > 0) {
    const retryAfter = Math.max(5, Math.ceil(excess * secondsPerExcessExam));
    const message = `too many exams are being processed right now: submit again in ${retryAfter} s`;
    throw new ApiError(429, 'too_many_exams_in_flight', message, { retryAfterSeconds: retryAfter }, { 'Retry-After': String(retryAfter) });
  }
  all.inFlight += count;
  tenant.inFlight += count;
}
