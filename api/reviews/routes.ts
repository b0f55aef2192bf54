import Router from '@koa/router';
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import { examKeys } from '../../lib/artifacts/artifacts';
import { InvalidCursor } from '../../records/exam-cursor';
import { pageTokens } from '../../lib/page-token';
import { listWaitingExams } from '../../records/review-queue';
import { INVALID_DECISION, reviewUpdate } from '../../workflows/definitions';
import { tenantScope, type AuthState } from '../http/auth';
import type { ApiDeps, Handler } from '../deps';
import { ApiError, validate } from '../http/errors';
import { examStatus, lookupExam } from '../exams/exam-lookup';
import { findExam } from '../exams/exam-access';
import { itemIdSchema, reviewQueueQuerySchema, reviewRequestSchema } from './review-schemas';
import { closedReview, reviewDocument, waitingReview } from './review-state';

// Teacher review (README "Teacher review"): what an exam waits on, each item's image, the teacher's
// decisions (a Temporal Update whose validator refuses bad ones before they enter history),
// and the tenant's queue of waiting exams.

/** GET /v1/reviews: the tenant's waiting exams, oldest wait first. */
const reviewQueueHandler = ({ cfg }: ApiDeps): Handler => {
  const tokens = pageTokens(cfg.EXAMFLOW_PAYLOAD_KEY);
  return async (ctx) => {
    const q = validate(reviewQueueQuerySchema, ctx.query, 'review queue query');
    try {
      ctx.body = await listWaitingExams(tokens, tenantScope(ctx.state), q.limit, q.pageToken);
    } catch (err) {
      if (err instanceof InvalidCursor) throw new ApiError(400, 'invalid_page_token', err.message);
      throw err;
    }
  };
};

/** GET /v1/exams/:examId/review */
const reviewHandler =
  ({ client, store }: ApiDeps): Handler =>
  async (ctx) => {
    const found = await findExam(client, ctx);
    const status = await examStatus(client, found);
    const state = status.status === 'needs_review' ? await waitingReview(client, found.examId) : await closedReview(store, found);
    if (!state) throw new ApiError(409, 'exam_not_waiting', `exam ${found.examId} is ${status.status} and has no review`, status);
    ctx.body = reviewDocument(found, status.status, state);
  };

/** GET /v1/exams/:examId/review/:itemId/image.png — the answer region as cut from the page, for the exam's tenant only. */
const reviewImageHandler =
  ({ client, store }: ApiDeps): Handler =>
  async (ctx) => {
    const found = await findExam(client, ctx);
    const itemId = validate(itemIdSchema, ctx.params.itemId, 'item id');
    let png: Buffer;
    try {
      png = await store.get(examKeys(found.examId).reviewImage(itemId));
    } catch {
      throw new ApiError(404, 'review_item_not_found', `exam ${found.examId} has no review item ${itemId}`);
    }
    ctx.type = 'image/png';
    ctx.body = png;
  };

/** POST /v1/exams/:examId/review: the teacher's decisions; the answer is the status document. */
const decideHandler =
  ({ client }: ApiDeps): Handler =>
  async (ctx) => {
    const body = validate(reviewRequestSchema, ctx.request.body ?? {}, 'review decisions');
    const found = await findExam(client, ctx);
    const status = await examStatus(client, found);
    if (status.status !== 'needs_review') {
      throw new ApiError(409, 'exam_not_waiting', `exam ${found.examId} is ${status.status}, not waiting for a review`, status);
    }
    const statusNow = async () => examStatus(client, (await lookupExam(client, found.examId, null)) ?? found);
    try {
      const update = { decisions: body.decisions, by: body.teacher ?? ctx.state.tenantId };
      await client.workflow.getHandle(found.examId).executeUpdate(reviewUpdate, { args: [update] });
    } catch (err) {
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === INVALID_DECISION) {
        throw new ApiError(400, 'invalid_decision', cause.message, cause.details?.[0]);
      }
      // Not waiting any more (all decided a moment ago, the deadline passed, cancelled, closed).
      throw new ApiError(409, 'exam_not_waiting', `exam ${found.examId} is not waiting for a review any more`, await statusNow());
    }
    ctx.body = await statusNow();
  };

export function reviewRoutes(deps: ApiDeps): Router<AuthState> {
  const router = new Router<AuthState>();
  router.get('/v1/reviews', reviewQueueHandler(deps));
  router.get('/v1/exams/:examId/review', reviewHandler(deps));
  router.get('/v1/exams/:examId/review/:itemId/image.png', reviewImageHandler(deps));
  router.post('/v1/exams/:examId/review', decideHandler(deps));
  return router;
}
