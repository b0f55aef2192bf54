import Router from '@koa/router';
import { ApplicationFailure, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Context } from 'koa';
import type { ResultDocument } from '../domain/documents';
import type { ReviewItem } from '../domain/review-decisions';
import { artifacts, examKeys } from '../lib/artifacts/artifacts';
import { InvalidCursor } from '../records/exam-cursor';
import { listWaitingExams } from '../records/review-queue';
import { INVALID_DECISION, reviewQuery, reviewUpdate, type ReviewState } from '../workflows/definitions';
import { tenantScope, type AuthState } from './auth';
import { ApiError, validate } from './errors';
import { examStatus, lookupExam, type FoundExam } from './exam-lookup';
import { itemIdSchema, reviewQueueQuerySchema, reviewRequestSchema } from './review-schemas';
import { examIdSchema } from './schemas';

// Teacher review (README "Teacher review"): what an exam waits on, each item's image, the teacher's
// decisions (a Temporal Update whose validator refuses bad ones before they enter history),
// and the tenant's queue of waiting exams.

type Ctx = Context & { state: AuthState; params: Record<string, string> };

export function reviewRoutes(client: Client): Router<AuthState> {
  const router = new Router<AuthState>();

  async function findExam(ctx: Ctx): Promise<FoundExam> {
    const examId = validate(examIdSchema, ctx.params.examId, 'exam id');
    const found = await lookupExam(client, examId, tenantScope(ctx.state));
    if (!found) throw new ApiError(404, 'exam_not_found', `no exam ${examId}`);
    return found;
  }

  /** A waiting exam's review lives in its workflow: no worker to answer is a moment's outage. */
  async function waitingReview(examId: string): Promise<ReviewState> {
    try {
      return await client.withDeadline(Date.now() + 5_000, () => client.workflow.getHandle(examId).query(reviewQuery));
    } catch {
      throw new ApiError(503, 'review_unavailable', `the review of exam ${examId} cannot be read right now (no worker answers): try again in a few seconds`, undefined, { 'Retry-After': '5' });
    }
  }

  router.get('/v1/reviews', async (ctx) => {
    const q = validate(reviewQueueQuerySchema, ctx.query, 'review queue query');
    try {
      ctx.body = await listWaitingExams(tenantScope(ctx.state), q.limit, q.pageToken);
    } catch (err) {
      if (err instanceof InvalidCursor) throw new ApiError(400, 'invalid_page_token', err.message);
      throw err;
    }
  });

  router.get('/v1/exams/:examId/review', async (ctx) => {
    const found = await findExam(ctx);
    const status = await examStatus(client, found);
    const state = status.status === 'needs_review' ? await waitingReview(found.examId) : await closedReview(found);
    if (!state) throw new ApiError(409, 'exam_not_waiting', `exam ${found.examId} is ${status.status} and has no review`, status);
    const decided = new Map(state.decisions.map((d) => [d.itemId, d]));
    ctx.body = {
      examId: found.examId,
      status: status.status,
      waiting: state.waiting && status.status === 'needs_review',
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
          decision: d ? { ...(d.answer !== undefined ? { answer: d.answer } : {}), ...(d.awarded !== undefined ? { awarded: d.awarded } : {}), decidedBy: d.decidedBy, decidedAt: d.decidedAt } : null,
        };
      }),
    };
  });

  // The answer region as cut from the page: served to the exam's tenant only.
  router.get('/v1/exams/:examId/review/:itemId/image.png', async (ctx) => {
    const found = await findExam(ctx);
    const itemId = validate(itemIdSchema, ctx.params.itemId, 'item id');
    let png: Buffer;
    try {
      png = await artifacts().get(examKeys(found.examId).reviewImage(itemId));
    } catch {
      throw new ApiError(404, 'review_item_not_found', `exam ${found.examId} has no review item ${itemId}`);
    }
    ctx.type = 'image/png';
    ctx.body = png;
  });

  router.post('/v1/exams/:examId/review', async (ctx) => {
    const body = validate(reviewRequestSchema, ctx.request.body ?? {}, 'review decisions');
    const found = await findExam(ctx);
    const status = await examStatus(client, found);
    if (status.status !== 'needs_review') throw new ApiError(409, 'exam_not_waiting', `exam ${found.examId} is ${status.status}, not waiting for a review`, status);
    try {
      await client.workflow.getHandle(found.examId).executeUpdate(reviewUpdate, { args: [{ decisions: body.decisions, by: body.teacher ?? ctx.state.tenantId }] });
    } catch (err) {
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === INVALID_DECISION) {
        throw new ApiError(400, 'invalid_decision', cause.message, cause.details?.[0]);
      }
      // Not waiting any more (all decided a moment ago, the deadline passed, cancelled, closed).
      throw new ApiError(409, 'exam_not_waiting', `exam ${found.examId} is not waiting for a review any more`, await examStatus(client, (await lookupExam(client, found.examId, null)) ?? found));
    }
    ctx.body = await examStatus(client, (await lookupExam(client, found.examId, null)) ?? found);
  });

  return router;
}

/** A closed exam's review, from its stored items and its result's decisions; null when it had none. */
async function closedReview(found: FoundExam): Promise<ReviewState | null> {
  const keys = examKeys(found.examId);
  let items: ReviewItem[];
  try {
    items = (await artifacts().getJson<{ items: ReviewItem[] }>(keys.review)).items;
  } catch {
    return null;
  }
  const result = (found.record.result as ResultDocument | null) ?? (await artifacts().getJson<ResultDocument>(keys.result).catch(() => null));
  const decisions = items.flatMap((item) => {
    const review = result?.questions[Number(item.itemId.slice(1)) - 1]?.review;
    if (review?.status !== 'decided' || !review.decidedBy || !review.decidedAt) return [];
    return [{ itemId: item.itemId, ...(review.answer !== undefined ? { answer: review.answer } : {}), ...(review.awarded !== undefined ? { awarded: review.awarded } : {}), decidedBy: review.decidedBy, decidedAt: review.decidedAt }];
  });
  return { waiting: false, items, decisions, deadline: null };
}
