import type { Client } from '@temporalio/client';
import { config } from '../lib/config';
import { ApiError } from './errors';
import { examQuery } from './visibility';

// Admission control: above EXAMFLOW_MAX_IN_FLIGHT running exams, new submissions are
// refused with 429 and Retry-After rather than queued without bound. The count comes from
// visibility, refreshed in the background about once a second, so a burst of submissions
// costs one query and none of them waits for it.

let cached: { at: number; inFlight: number } | undefined;
/** the count being fetched: a burst of submissions shares one query instead of sending one each */
let counting: Promise<void> | undefined;
const freshMs = 1_000;
/** Rough drain time of the excess, for Retry-After: a page of OCR is a few seconds a core. */
const secondsPerExcessExam = 2;

export async function admitExams(client: Client, count: number): Promise<void> {
  const limit = config().EXAMFLOW_MAX_IN_FLIGHT;
  if (!cached || Date.now() - cached.at > freshMs) {
    counting ??= client.workflow
      .count(`${examQuery({ scope: null })} AND ExecutionStatus = 'Running'`)
      .then(({ count: inFlight }) => {
        cached = { at: Date.now(), inFlight };
      })
      .finally(() => {
        counting = undefined;
      });
    // Only the first submission waits; later ones go on the last count while it refreshes.
    if (cached) counting.catch(() => undefined);
    else await counting;
  }
  if (!cached) throw new Error('admission count unavailable'); // unreachable: counting sets it or throws
  if (cached.inFlight + count > limit) {
    const retryAfter = Math.max(5, Math.ceil((cached.inFlight + count - limit) * secondsPerExcessExam));
    throw new ApiError(429, 'too_many_exams_in_flight', `${cached.inFlight} exams are being processed (limit ${limit}): submit again in ${retryAfter} s`, { retryAfterSeconds: retryAfter }, { 'Retry-After': String(retryAfter) });
  }
  cached.inFlight += count;
}
