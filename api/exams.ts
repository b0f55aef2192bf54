import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { ResultDocument } from '../domain/documents';
import { artifacts, examKeys } from '../lib/artifacts';
import { config } from '../lib/config';
import type { ExamWorkflowInput } from '../workflows/definitions';
import { ExamStatusKey, ExamStepKey, StudentIdKey, SubjectKey, TemplateIdKey, TenantIdKey } from '../workflows/search-attributes';
import type { AuthState } from './auth';
import { ApiError, validate } from './errors';
import { describeExam, examStatusDocument, type ExamMemo } from './exam-status';
import { examIdSchema, submitExamFieldsSchema, type SubmitExamResponse } from './schemas';
import { loadTemplate } from './templates';
import { checkPages, pagesUpload } from './uploads';

export function examRoutes(client: Client): Router<AuthState> {
  const cfg = config();
  const router = new Router<AuthState>();

  router.post('/v1/exams', pagesUpload({ maxBytes: cfg.EXAMFLOW_MAX_UPLOAD_BYTES, maxPages: cfg.EXAMFLOW_MAX_PAGES }), async (ctx) => {
    const tenantId = ctx.state.tenantId;
    const fields = validate(submitExamFieldsSchema, ctx.request.body ?? {}, 'exam submission');
    const files = (ctx.request.files ?? []) as Express.Multer.File[];
    const template = await loadTemplate(tenantId, fields.templateId);
    if (!template) throw new ApiError(400, 'unknown_template', `no template "${fields.templateId}": create it with POST /v1/templates first`);
    await checkPages(files);

    const examId = randomUUID();
    const keys = examKeys(examId);
    const store = artifacts();
    // Pages and the template copy are stored before the workflow starts: it only ever sees keys.
    const pageKeys = await Promise.all(files.map((file, i) => store.put(keys.page(i), file.buffer)));
    await store.putJson(keys.template, template);

    const createdAt = new Date().toISOString();
    const input: ExamWorkflowInput = {
      examId,
      tenantId,
      templateId: template.id,
      templateKey: keys.template,
      language: template.language,
      pageKeys,
      student: fields.student,
      createdAt,
    };
    const memo: ExamMemo = { createdAt, pages: files.length };
    try {
      await client.workflow.start('examWorkflow', {
        workflowId: examId,
        taskQueue: cfg.EXAMFLOW_TASK_QUEUE,
        args: [input],
        memo: { ...memo },
        typedSearchAttributes: [
          { key: ExamStatusKey, value: 'pending' },
          { key: ExamStepKey, value: 'ocr' },
          { key: SubjectKey, value: template.subject },
          { key: TenantIdKey, value: tenantId },
          { key: TemplateIdKey, value: template.id },
          ...(fields.student?.id ? [{ key: StudentIdKey, value: fields.student.id }] : []),
        ],
      });
    } catch (err) {
      await store.remove(keys.root);
      throw err;
    }
    const body: SubmitExamResponse = { examId, status: 'pending', statusUrl: `/v1/exams/${examId}` };
    ctx.status = 202;
    ctx.set('Location', body.statusUrl);
    ctx.body = body;
  });

  /** The exam of the caller's tenant; another tenant's exam does not exist for this caller. */
  async function findExam(tenantId: string, rawId: string) {
    const examId = validate(examIdSchema, rawId, 'exam id');
    const description = await describeExam(client, examId, tenantId);
    if (!description) throw new ApiError(404, 'exam_not_found', `no exam ${examId}`);
    return description;
  }

  /** Result and report exist once the exam completed; before that say where it stands. */
  async function completedExam(tenantId: string, rawId: string) {
    const description = await findExam(tenantId, rawId);
    if (description.status.name !== 'COMPLETED') {
      const status = await examStatusDocument(client, description);
      throw new ApiError(409, 'exam_not_completed', `exam ${description.workflowId} is ${status.status}${status.error ? `: ${status.error}` : ''}`, status);
    }
    return examKeys(description.workflowId);
  }

  router.get('/v1/exams/:examId', async (ctx) => {
    ctx.body = await examStatusDocument(client, await findExam(ctx.state.tenantId, ctx.params.examId!));
  });

  router.get('/v1/exams/:examId/result', async (ctx) => {
    const keys = await completedExam(ctx.state.tenantId, ctx.params.examId!);
    ctx.body = await artifacts().getJson<ResultDocument>(keys.result);
  });

  router.get('/v1/exams/:examId/report.pdf', async (ctx) => {
    const keys = await completedExam(ctx.state.tenantId, ctx.params.examId!);
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="exam-${ctx.params.examId}.pdf"`);
    ctx.body = await artifacts().get(keys.reportPdf);
  });

  router.get('/v1/exams/:examId/report.html', async (ctx) => {
    const keys = await completedExam(ctx.state.tenantId, ctx.params.examId!);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await artifacts().get(keys.reportHtml);
  });

  return router;
}
