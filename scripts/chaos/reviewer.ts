import type { ExamflowClient } from '../../client/examflow-client';

// The chaos run's teacher: while workers and servers die, it clears every exam that waits
// for a review, reading each waiting answer off the paper (the ground truth), first one item
// alone (a partial decision that must survive the kills), then the rest. Failed calls (a
// dead API, a 409 while the exam moves on) are simply tried again on the next round.

export interface Reviewer {
  /** exams seen waiting, and decided to the end */
  seen: Set<string>;
  decided: Set<string>;
  stop(): Promise<void>;
}

export function startReviewer(
  client: ExamflowClient,
  truthOf: (examId: string) => Map<string, string | null> | undefined,
  log: (...parts: unknown[]) => void,
  /** after a partial decision: the chaos run kills a worker here, so the rest is decided across a kill */
  afterPartial: (examId: string) => Promise<void> = async () => undefined,
): Reviewer {
  const seen = new Set<string>();
  const decided = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const queue = await client.listReviews({ limit: 100 });
        for (const exam of queue.exams) {
          const truth = truthOf(exam.examId);
          if (!truth) continue;
          if (!seen.has(exam.examId)) log(`review: ${exam.examId} waits on ${exam.items} answers`);
          seen.add(exam.examId);
          const review = await client.getReview(exam.examId);
          const open = review.items.filter((i) => i.decision === null);
          const decide = (items: typeof open) =>
            client.decide(
              exam.examId,
              items.map((i) => {
                const answer = truth.get(i.section ? `${i.section}/${i.number}` : i.number) ?? null;
                return answer === null ? { itemId: i.itemId, awarded: 0 } : { itemId: i.itemId, answer };
              }),
              'chaos-teacher',
            );
          if (open.length > 1 && open.length === review.items.length) {
            await decide(open.slice(0, 1));
            await afterPartial(exam.examId);
          } else if (open.length) {
            await decide(open);
            decided.add(exam.examId);
          }
        }
      } catch {
        // the API or Temporal is being killed: the next round tries again
      }
      await new Promise((r) => setTimeout(r, 1_500));
    }
  })();
  return {
    seen,
    decided,
    async stop() {
      running = false;
      await loop;
    },
  };
}
