import Router from '@koa/router';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import type { Context } from 'koa';
import type { Template } from '../../domain/template';
import { examKeys } from '../../lib/artifacts/artifacts';
import type { CorrectionInput } from '../../workflows/correction-workflow';
import type { ExamWorkflowInput } from '../../workflows/definitions';
import type { ApiDeps } from '../deps';
import { tenantScope, type AuthState } from '../http/auth';
import { ApiError, validate } from '../http/errors';
import { examStatus, lookupExam } from '../exams/exam-lookup';
import { correctionRequestSchema } from './review-schemas';
import { examIdSchema } from '../schemas';
import { correctionWorkflow } from '../../workflows/correction-workflow';

type Ctx = Context & { state: AuthState; params: Record<string, string> };

/**
 * A teacher corrects one answer of a completed exam: a small durable workflow regrades it,
 * renders the report again and updates the record; the answer is the corrected result.
 */
export function correctionRoutes({ client, cfg, store }: ApiDeps): Router<AuthState> {
  const router = new Router<AuthState>();
  router.post('/v1/exams/:examId/corrections', async (ctx: Ctx) => {
    const body = validate(correctionRequestSchema, ctx.request.body ?? {}, 'correction');
    const examId = validate(examIdSchema, ctx.params.examId, 'exam id');
    const found = await lookupExam(client, examId, tenantScope(ctx.state));
    if (!found) throw new ApiError(404, 'exam_not_found', `no exam ${examId}`);
    if (found.record.status !== 'completed') {
      const status = await examStatus(client, found);
      throw new ApiError(
        409,
        'exam_not_completed',
        `exam ${examId} is ${status.status}: only a completed exam can be corrected${status.status === 'needs_review' ? ' (decide its review instead)' : ''}`,
        status,
      );
    }
    const keys = examKeys(examId);
    const [template, stored] = await Promise.all([
      store.getJson<Template>(keys.template),
      store.getJson<{ input: ExamWorkflowInput }>(keys.input),
    ]);
    const section = body.section ?? null;
    const question = template.questions.find((q) => q.number === body.number && (q.section ?? null) === section);
    if (!question)
      throw new ApiError(400, 'unknown_question', `template ${template.id} has no question ${section ? `${section}·` : ''}${body.number}`);
    if (body.awarded !== undefined && body.awarded > question.points)
      throw new ApiError(
        400,
        'invalid_decision',
        `question ${body.number}: points must be from 0 to ${question.points}, got ${body.awarded}`,
      );
    const input: CorrectionInput = {
      examId,
      templateKey: keys.template,
      parsedKey: keys.parsed,
      student: stored.input.student ?? {},
      change: {
        number: body.number,
        section,
        ...(body.answer !== undefined ? { answer: body.answer } : {}),
        ...(body.awarded !== undefined ? { awarded: body.awarded } : {}),
      },
      by: body.teacher ?? ctx.state.tenantId,
      at: new Date().toISOString(),
    };
    try {
      const handle = await client.workflow.start(correctionWorkflow, {
        workflowId: `${examId}/correction`,
        taskQueue: cfg.EXAMFLOW_TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
      });
      await handle.result();
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new ApiError(
          409,
          'correction_in_progress',
          `another correction of exam ${examId} is running: send this one again in a few seconds`,
        );
      if (err instanceof WorkflowFailedError) throw new ApiError(400, 'correction_failed', err.cause?.message ?? err.message);
      throw err;
    }
    ctx.body = await store.getJson(keys.result);
  });
  return router;
}
