import type { Client } from '@temporalio/client';
import type { ExamStatus, ResultDocument } from '../../domain/documents';
import type { ReviewItem } from '../../domain/review-decisions';
import type { ArtifactStore } from '../../lib/artifacts/artifact-store';
import { examKeys } from '../../lib/artifacts/artifacts';
import { reviewQuery, type ReviewState } from '../../workflows/definitions';
import { ApiError } from '../http/errors';
import type { FoundExam } from '../exams/exam-lookup';

// Where an exam's review is read from: its workflow while it waits, its stored items and its
// result's decisions once it has closed.

type Decided = { answer?: string; awarded?: number; decidedBy: string; decidedAt: string };

/** A decision as the API shows it: only the fields the teacher gave, with who and when. */
function decisionView(d: Decided) {
  return {
    ...(d.answer !== undefined ? { answer: d.answer } : {}),
    ...(d.awarded !== undefined ? { awarded: d.awarded } : {}),
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
  };
}

/** A waiting exam's review lives in its workflow: no worker to answer is a moment's outage. */
export async function waitingReview(client: Client, examId: string): Promise<ReviewState> {
  try {
    return await client.withDeadline(Date.now() + 5_000, () => client.workflow.getHandle(examId).query(reviewQuery));
  } catch {
    const message = `the review of exam ${examId} cannot be read right now (no worker answers): try again in a few seconds`;
    throw new ApiError(503, 'review_unavailable', message, undefined, { 'Retry-After': '5' });
  }
}

/** A closed exam's review, from its stored items and its result's decisions; null when it had none. */
export async function closedReview(store: ArtifactStore, found: FoundExam): Promise<ReviewState | null> {
  const keys = examKeys(found.examId);
  let items: ReviewItem[];
  try {
    items = (await store.getJson<{ items: ReviewItem[] }>(keys.review)).items;
  } catch {
    return null;
  }
  const stored = found.record.result as ResultDocument | null;
  const result = stored ?? (await store.getJson<ResultDocument>(keys.result).catch(() => null));
  const decisions = items.flatMap((item) => {
    const review = result?.questions[Number(item.itemId.slice(1)) - 1]?.review;
    if (review?.status !== 'decided' || !review.decidedBy || !review.decidedAt) return [];
    return [{ itemId: item.itemId, ...decisionView({ ...review, decidedBy: review.decidedBy, decidedAt: review.decidedAt }) }];
  });
  return { waiting: false, items, decisions, deadline: null };
}

/** GET /v1/exams/:examId/review: every item, with its image's URL and its decision if any. */
export function reviewDocument(found: FoundExam, status: ExamStatus, state: ReviewState) {
  const decided = new Map(state.decisions.map((d) => [d.itemId, d]));
  return {
    examId: found.examId,
    status,
    waiting: state.waiting && status === 'needs_review',
    deadline: state.deadline,
    items: state.items.map((item) => {
      const d = decided.get(item.itemId);
      return {
        itemId: item.itemId,
        number: item.number,
        section: item.section,
        type: item.type,
        points: item.points,
        reason: item.reason,
        machineAnswer: item.machineAnswer,
        confidence: item.confidence,
        imageUrl: `/v1/exams/${found.examId}/review/${item.itemId}/image.png`,
        decision: d ? decisionView(d) : null,
      };
    }),
  };
}
