import multer from '@koa/multer';
import type { Middleware } from 'koa';
import { randomUUID } from 'node:crypto';
import { checkPdfPageSizes, isPdf, openPdf, PageTooLargeError } from '../../lib/documents/pdf-pages';
import { BadInputError } from '../../domain/bad-input';
import { batchKeys } from '../../lib/artifacts/artifacts';
import { reviewSettings, type Config } from '../../lib/config';
import { forgetBatch, insertBatch } from '../../records/batches';
import type { BatchWorkflowInput } from '../../workflows/batch-definitions';
import { TenantIdKey } from '../../workflows/search-attributes';
import type { ApiDeps } from '../deps';
import { ApiError } from '../http/errors';
import { loadTemplate } from '../templates/templates';
import { checkPages } from '../exams/uploads';
import { batchWorkflow } from '../../workflows/batch-workflow';

// POST /v1/batches: a class's stack arrives as one multi-page PDF or many images, is checked
// cheaply (PDF pages counted and measured by pdfinfo, images by their headers), stored as
// sent and written once, recorded, and handed to the batch workflow, which splits it. The
// slow part (rendering and looking at every page) never runs in the request.

export interface UploadedFile {
  buffer: Buffer;
  originalname: string;
}

/** The multipart `pages` files, kept in memory within the batch limits; PDFs are NOT split here. */
/** The batch limits of the configuration. */
type BatchLimits = Pick<Config, 'EXAMFLOW_MAX_BATCH_PAGES' | 'EXAMFLOW_MAX_BATCH_UPLOAD_BYTES'>;

export function stackUpload(cfg: BatchLimits): Middleware {
  const maxFiles = cfg.EXAMFLOW_MAX_BATCH_PAGES;
  return multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: cfg.EXAMFLOW_MAX_BATCH_UPLOAD_BYTES, files: maxFiles, fields: 10, fieldSize: 10_000, parts: maxFiles + 10 },
  }).array('pages', maxFiles);
}

/** Counts the stack's pages and refuses, before anything is stored, what the split could never read. */
export async function checkStack(files: UploadedFile[], cfg: BatchLimits): Promise<number> {
  if (files.length === 0)
    throw new ApiError(
      400,
      'no_pages',
      'no pages uploaded: send the class’s scan as a multipart file named "pages" (one PDF, or one image per page)',
    );
  const total = files.reduce((n, f) => n + f.buffer.length, 0);
  if (total > cfg.EXAMFLOW_MAX_BATCH_UPLOAD_BYTES) {
    throw new ApiError(
      413,
      'payload_too_large',
      `the stack is ${Math.round(total / 1e6)} MB, more than the ${Math.round(cfg.EXAMFLOW_MAX_BATCH_UPLOAD_BYTES / 1e6)} MB a batch may have: scan at 150–200 dpi or split the class`,
    );
  }
  let pages = 0;
  const images: UploadedFile[] = [];
  for (const [i, file] of files.entries()) {
    if (!isPdf(file.buffer)) {
      images.push(file);
      pages += 1;
      continue;
    }
    pages += await pdfPages(file, i);
  }
  if (images.length > 0) await checkPages(images);
  if (pages > cfg.EXAMFLOW_MAX_BATCH_PAGES) {
    throw new ApiError(
      400,
      'too_many_pages',
      `the stack has ${pages} pages, more than the ${cfg.EXAMFLOW_MAX_BATCH_PAGES} a batch may have: split the class into smaller stacks`,
    );
  }
  return pages;
}

async function pdfPages(file: UploadedFile, index: number): Promise<number> {
  try {
    const pdf = await openPdf(file.buffer, `file ${index + 1} (${file.originalname || 'unnamed'})`);
    try {
      await checkPdfPageSizes(pdf);
      return pdf.pages;
    } finally {
      await pdf.dispose();
    }
  } catch (err) {
    if (err instanceof PageTooLargeError) throw new ApiError(413, 'image_too_large', err.message);
    if (err instanceof BadInputError) throw new ApiError(400, 'invalid_page', err.message);
    throw err;
  }
}

export interface BatchSubmission {
  tenantId: string;
  files: UploadedFile[];
  templateId?: string;
  name?: string;
  pagesPerStudent?: number;
}

/** Stores the stack (written once), records the batch, then starts its workflow. Returns the batch id. */
export async function submitBatch({ client, cfg, store }: ApiDeps, s: BatchSubmission): Promise<string> {
  if (s.templateId && !(await loadTemplate(s.tenantId, s.templateId))) {
    throw new ApiError(
      400,
      'unknown_template',
      `no template "${s.templateId}": create it with POST /v1/templates first, or leave templateId out for examflow answer sheets`,
    );
  }
  const review = reviewSettings(cfg);
  const batchId = randomUUID();
  const keys = batchKeys(batchId);
  const input: BatchWorkflowInput = {
    batchId,
    tenantId: s.tenantId,
    ...(s.templateId ? { templateId: s.templateId } : {}),
    ...(s.pagesPerStudent ? { pagesPerStudent: s.pagesPerStudent } : {}),
    files: s.files.length,
    createdAt: new Date().toISOString(),
    parallelism: cfg.EXAMFLOW_BATCH_PARALLELISM,
    // Read once here, like an exam's: every exam of the batch waits for a teacher under the same settings.
    ...(review ? { review } : {}),
  };
  try {
    await Promise.all([
      ...s.files.map((f, i) => store.create(keys.upload(i), f.buffer)),
      store.createJson(keys.input, { input, name: s.name ?? null }),
    ]);
    // The record comes before the workflow, as for exams: Temporal never runs a batch the database does not know.
    await insertBatch({
      batchId,
      tenantId: s.tenantId,
      name: s.name ?? null,
      templateId: s.templateId ?? null,
      files: s.files.length,
      createdAt: input.createdAt,
    });
    await client.workflow.start(batchWorkflow, {
      workflowId: batchId,
      taskQueue: cfg.EXAMFLOW_TASK_QUEUE,
      args: [input],
      typedSearchAttributes: [{ key: TenantIdKey, value: s.tenantId }],
    });
    return batchId;
  } catch (err) {
    await forgetBatch(batchId).catch(() => undefined);
    await store.remove(keys.root);
    throw err;
  }
}
