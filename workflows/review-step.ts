import { ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RecordExamInput } from '../activities/record-exam';
import type { ExamStep } from '../domain/documents';
import { allDecided, decisionProblems, type Decision, type ReviewSettings } from '../domain/review-decisions';
import {
  INVALID_DECISION,
  NOT_WAITING,
  reviewQuery,
  reviewUpdate,
  type ExamEvent,
  type ReviewState,
  type ReviewUpdateInput,
} from './definitions';
import { activityPolicies } from './policies';
import type { ExamProgress } from './progress';
import { ExamStatusKey } from './search-attributes';

const { prepareReview } = proxyActivities<Activities>(activityPolicies.prepareReview);
const { applyReview } = proxyActivities<Activities>(activityPolicies.applyReview);

export interface Graded {
  gradedKey: string;
  score: number;
  fullScore: number;
}

export interface ReviewStepContext {
  examId: string;
  templateKey: string;
  parsedKey: string;
  pageKeys: string[];
  sheet: boolean;
  settings: ReviewSettings;
  progress: ExamProgress;
  moveTo(step: ExamStep): void;
  record(fields: Omit<RecordExamInput, 'examId' | 'runId' | 'startedAt'>): Promise<void>;
  notify(event: ExamEvent): Promise<void>;
}

/**
 * Teacher review after grading: when some answers need a teacher, the exam waits (durably,
 * for hours or days) for the `review` Update's decisions, then goes on regraded with them;
 * at the deadline it goes on with the machine's readings, marked unreviewed. Returns the
 * grading the later steps use.
 */
export async function reviewStep(c: ReviewStepContext, graded: Graded): Promise<Graded> {
  const { items } = await prepareReview({
    examId: c.examId,
    templateKey: c.templateKey,
    parsedKey: c.parsedKey,
    gradedKey: graded.gradedKey,
    pageKeys: c.pageKeys,
    sheet: c.sheet,
    below: c.settings.below,
  });
  if (items.length === 0) return graded;

  const decisions = new Map<string, Decision>();
  let waiting = true;
  const deadline = new Date(Date.now() + c.settings.timeoutMs).toISOString();
  const state = (): ReviewState => ({ waiting, items, decisions: [...decisions.values()], deadline });
  setHandler(reviewQuery, state);
  setHandler(
    reviewUpdate,
    ({ decisions: given, by }) => {
      const decidedAt = new Date().toISOString();
      for (const d of given) decisions.set(d.itemId, { ...d, decidedBy: by, decidedAt });
      c.progress.review = { items: items.length, decided: decisions.size, deadline };
      return state();
    },
    {
      // Refused here, a decision never enters the history.
      validator: ({ decisions: given }: ReviewUpdateInput) => {
        if (!waiting)
          throw ApplicationFailure.create({
            type: NOT_WAITING,
            message: `exam ${c.examId} is not waiting for a review`,
            nonRetryable: true,
          });
        const problems = decisionProblems(items, given ?? []);
        if (problems.length)
          throw ApplicationFailure.create({
            type: INVALID_DECISION,
            message: problems.join('; '),
            details: [problems],
            nonRetryable: true,
          });
      },
    },
  );

  c.moveTo('review');
  // Recorded first: an exam that says needs_review is in the review queue already.
  await c.record({ status: 'needs_review', step: 'review', reviewItems: items.length });
  c.progress.status = 'needs_review';
  c.progress.review = { items: items.length, decided: 0, deadline };
  upsertSearchAttributes([{ key: ExamStatusKey, value: 'needs_review' }]);
  await c.notify('exam.needs_review');

  await condition(() => allDecided(items, decisions), c.settings.timeoutMs);
  waiting = false;
  c.progress.status = 'processing';
  delete c.progress.review;
  upsertSearchAttributes([{ key: ExamStatusKey, value: 'processing' }]);
  await c.record({ status: 'processing', step: 'review' });
  return applyReview({
    examId: c.examId,
    templateKey: c.templateKey,
    gradedKey: graded.gradedKey,
    items,
    decisions: [...decisions.values()],
  });
}
