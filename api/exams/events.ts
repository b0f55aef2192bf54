import type { Client } from '@temporalio/client';
import type { Context } from 'koa';
import { PassThrough } from 'node:stream';
import type { StatusDocument } from '../../domain/documents';
import { examStatus, lookupExam } from './exam-lookup';
import { isClosedStatus } from '../../domain/exam-states';

// GET /v1/exams/:examId/events — Server-Sent Events: the status document on every change
// until the exam closes. Comment lines keep proxies from timing the stream out.

// Progress twice a second, so a one-page exam's short steps show; closing is pushed at once (below).
const pollMs = 500;
const heartbeatMs = 15_000;
/** stop() of every open stream, for shutdown */
const open = new Map<PassThrough, () => void>();

/** What makes a status document worth pushing again (elapsed time alone is not). */
const fingerprint = (d: StatusDocument) => `${d.status}|${d.step}|${d.progress}|${d.pages.processed}|${d.error}`;
const isClosed = (d: StatusDocument) => isClosedStatus(d.status);

export function streamExamEvents(ctx: Context, client: Client, examId: string, scope: string | null, first: StatusDocument): void {
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const stream = new PassThrough();
  // A client that went away mid-write is not the server's error.
  stream.on('error', () => stop());
  ctx.status = 200;
  ctx.body = stream;

  let last = '';
  let lastSentAt = 0;
  let id = 0;
  let stopped = false;
  const send = (doc: StatusDocument) => {
    last = fingerprint(doc);
    lastSentAt = Date.now();
    stream.write(`id: ${++id}\nevent: status\ndata: ${JSON.stringify(doc)}\n\n`);
  };
  const closeWatch = new AbortController();
  const stop = () => {
    stopped = true;
    clearInterval(poll);
    clearInterval(heartbeat);
    closeWatch.abort();
    open.delete(stream);
    if (!stream.writableEnded) stream.end();
  };
  open.set(stream, stop);
  const heartbeat = setInterval(() => stream.write(`: keep-alive ${new Date().toISOString()}\n\n`), heartbeatMs);
  let polling = false;
  let pollAgain = false;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    try {
      const found = await lookupExam(client, examId, scope);
      if (!found) return stop();
      const doc = await examStatus(client, found);
      if (stopped) return; // the client left while Temporal answered
      // Push on a change, and every few seconds anyway so the ETA keeps counting down.
      if (fingerprint(doc) !== last || Date.now() - lastSentAt > 5_000) send(doc);
      if (isClosed(doc)) stop();
    } catch {
      // a passing Temporal or database hiccup: the next tick tries again
    } finally {
      polling = false;
      if (pollAgain) {
        pollAgain = false;
        void tick();
      }
    }
  };
  const poll = setInterval(() => void tick(), pollMs);
  // The close is pushed the moment it happens: a long poll on the workflow's outcome
  // (one cheap server call) instead of waiting for the next progress tick.
  client
    .withAbortSignal(closeWatch.signal, () => client.workflow.getHandle(examId).result())
    .then(
      () => tick(),
      () => tick(),
    );
  ctx.req.on('close', stop);
  stream.write('retry: 2000\n\n');
  send(first);
  if (isClosed(first)) stop();
}

/** On shutdown: end every open stream so clients reconnect elsewhere. */
export function closeEventStreams(): void {
  for (const [stream, stop] of open) {
    stream.write('event: shutdown\ndata: {}\n\n');
    stop();
  }
}
