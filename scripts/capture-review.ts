import type { Client } from '@temporalio/client';
import type { Template } from '../domain/template';
import { progressQuery, reviewQuery, reviewUpdate } from '../workflows/definitions';

// The teacher-review histories for the replay test: an exam waiting (captured mid-wait),
// decided in two steps, left until its deadline, and cancelled while waiting. Run by
// `npm run capture-histories -- v<N> review` (with a 20-second review deadline).

export interface ReviewCapture {
  client: Client;
  submit(pages: Buffer[], student?: Record<string, string>): Promise<string>;
  paper(seed: number): Promise<Buffer[]>;
  save(name: string, examId: string, wait?: boolean): Promise<void>;
}

/** The template with its last two questions given to the teacher, so every exam waits on two items at least. */
export function reviewTemplate(template: Template): Template {
  const teachers = template.questions.slice(-2);
  return {
    ...template,
    id: `${template.id}-review`,
    questions: template.questions.map((q) => (teachers.includes(q) ? { ...q, scoredBy: 'teacher' as const } : q)),
  };
}

async function waiting(client: Client, examId: string): Promise<void> {
  const handle = client.workflow.getHandle(examId);
  for (let i = 0; i < 1200; i++) {
    const status = await handle.query(progressQuery).catch(() => null);
    if (status?.status === 'needs_review') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `exam ${examId} never waited for a review: ${JSON.stringify(await handle.query(progressQuery).catch((e: Error) => e.message))}`,
  );
}

export async function captureReview(c: ReviewCapture): Promise<void> {
  const decided = await c.submit(await c.paper(61));
  await waiting(c.client, decided);
  const handle = c.client.workflow.getHandle(decided);
  const { items } = await handle.query(reviewQuery);
  // One refused decision (never in history), one partial, then the rest.
  await handle
    .executeUpdate(reviewUpdate, { args: [{ decisions: [{ itemId: 'q99', awarded: 1 }], by: 'capture' }] })
    .catch(() => undefined);
  await handle.executeUpdate(reviewUpdate, { args: [{ decisions: [{ itemId: items[0]!.itemId, awarded: 0 }], by: 'capture' }] });
  await c.save('review-waiting', decided, false);
  const rest = items.slice(1).map((i) => ({ itemId: i.itemId, awarded: Math.min(1, i.points) }));
  if (rest.length) await handle.executeUpdate(reviewUpdate, { args: [{ decisions: rest, by: 'capture' }] });
  await c.save('review-decided', decided);

  const timedOut = await c.submit(await c.paper(62));
  await waiting(c.client, timedOut);
  await c.save('review-timed-out', timedOut);

  const cancelled = await c.submit(await c.paper(63));
  await waiting(c.client, cancelled);
  await c.client.workflow.getHandle(cancelled).cancel();
  await c.save('review-cancelled', cancelled);
}
