import { admitExams } from './admission';
import type { ApiDeps, Handler, RouteContext } from '../deps';
import { ApiError, validate } from '../http/errors';
import { lookupExam } from './exam-lookup';
import { batchManifestSchema, idempotencyKeySchema, submitExamFieldsSchema, type SubmitExamResponse } from '../schemas';
import { examTemplate } from './sheet-intake';
import { examIdFor, submitExam } from './start-exam';
import { checkPages } from './uploads';

// POST /v1/exams (one exam) and POST /v1/exams/batch (several, by a manifest). The pages
// arrive through pagesUpload (api/exams/uploads.ts), which has split PDFs into page images already.

const uploadedFiles = (ctx: RouteContext) => (ctx.request.files ?? []) as Express.Multer.File[];
const accepted = (examId: string): SubmitExamResponse => ({ examId, status: 'pending', statusUrl: `/v1/exams/${examId}` });

/**
 * A repeated idempotent submission: the exam exists once its workflow started. A record
 * alone (left pending when the start failed and the database could not be told) is not
 * an accepted exam: the repeat submits it again.
 */
async function alreadyAccepted({ client }: ApiDeps, examId: string, tenantId: string): Promise<boolean> {
  const found = await lookupExam(client, examId, tenantId);
  return !!found && (found.description !== null || found.record.status !== 'pending');
}

function idempotencyKey(ctx: RouteContext): string | undefined {
  const header = ctx.get('idempotency-key');
  return header ? validate(idempotencyKeySchema, header, 'Idempotency-Key header') : undefined;
}

/** POST /v1/exams: 202 with the new exam, or 200 with the exam an Idempotency-Key already named. */
export function submitExamHandler(deps: ApiDeps): Handler {
  return async (ctx) => {
    const tenantId = ctx.state.tenantId;
    const fields = validate(submitExamFieldsSchema, ctx.request.body ?? {}, 'exam submission');
    const key = idempotencyKey(ctx);
    const examId = examIdFor(tenantId, key);
    if (key && (await alreadyAccepted(deps, examId, tenantId))) {
      ctx.status = 200;
      ctx.body = accepted(examId);
      return;
    }
    const files = uploadedFiles(ctx);
    await checkPages(files);
    // Without templateId the answer sheet's own code names the template.
    const { template, sheet, identify } = await examTemplate(tenantId, fields.templateId, files[0]!.buffer);
    await admitExams(deps, tenantId, 1);
    const pages = files.map((f) => f.buffer);
    const { student, priority } = fields;
    const created = await submitExam(deps, { examId, tenantId, template, sheet, identify, pages, student, priority });
    ctx.status = created ? 202 : 200;
    ctx.set('Location', `/v1/exams/${examId}`);
    ctx.body = accepted(examId);
  };
}

function parseManifest(ctx: RouteContext) {
  const body = (ctx.request.body ?? {}) as { manifest?: string };
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(body.manifest ?? '');
  } catch {
    const shape = 'manifest must be a JSON array: [{"templateId":"…","pages":2}, …]';
    throw new ApiError(400, 'invalid_request', `${shape}, with the pages of all exams in order as "pages" files`);
  }
  return validate(batchManifestSchema, manifestJson, 'batch manifest');
}

/** POST /v1/exams/batch: one answer per manifest entry; a refused entry does not stop the others. */
export function submitManyHandler(deps: ApiDeps): Handler {
  return async (ctx) => {
    const tenantId = ctx.state.tenantId;
    const manifest = parseManifest(ctx);
    const files = uploadedFiles(ctx);
    const expected = manifest.reduce((n, m) => n + m.pages, 0);
    if (files.length !== expected) {
      throw new ApiError(400, 'invalid_upload', `the manifest lists ${expected} pages but ${files.length} were uploaded`);
    }
    await admitExams(deps, tenantId, manifest.length);
    let offset = 0;
    const results = [];
    for (const [index, entry] of manifest.entries()) {
      const pages = files.slice(offset, (offset += entry.pages));
      try {
        await checkPages(pages);
        const { template, sheet, identify } = await examTemplate(tenantId, entry.templateId, pages[0]!.buffer);
        const examId = examIdFor(tenantId, undefined);
        const { student, priority } = entry;
        const submission = { examId, tenantId, template, sheet, identify, pages: pages.map((f) => f.buffer), student, priority };
        await submitExam(deps, submission);
        results.push({ index, status: 202 as const, examId, statusUrl: `/v1/exams/${examId}` });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        results.push({ index, status: err.status, error: { code: err.code, message: err.message } });
      }
    }
    ctx.status = 200;
    ctx.body = { results };
  };
}
