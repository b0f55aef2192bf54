import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from '../lib/zod';
import { registerBatchPaths } from './batches/batch-openapi';
import { resultDocumentSchema, statusDocumentSchema } from '../domain/documents';
import { acceptedFormatsText, MAX_PAGE_MEGAPIXELS, PDF_PAGE_DPI } from '../domain/page-rules';
import { templateSchema } from '../domain/template';
import { omrCheckerImportForm } from './templates/omrchecker-import';
import {
  answerSheetLayoutSchema,
  batchResponseSchema,
  controlResponseSchema,
  listExamsQuerySchema,
  listExamsResponseSchema,
  queueResponseSchema,
  statisticsQuerySchema,
  studentExamsQuerySchema,
  studentExamsResponseSchema,
  statisticsResponseSchema,
  submitExamFormSchema,
  submitExamResponseSchema,
  metaResponseSchema,
  templateListResponseSchema,
  webhookRequestSchema,
  webhookResponseSchema,
  codecRequestSchema,
} from './schemas';
import {
  correctionRequestSchema,
  reviewQueueQuerySchema,
  reviewQueueResponseSchema,
  reviewRequestSchema,
  reviewResponseSchema,
} from './reviews/review-schemas';

// The OpenAPI document is generated from the same zod schemas the routes validate with.

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });
const examParams = z.object({ examId: z.uuid() });
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  400: json(errorSchema, 'invalid request'),
  401: json(errorSchema, 'missing or unknown token'),
  404: json(errorSchema, 'not found (or another tenant’s)'),
};

/** What every group of paths registers with: the registry, the shared components, and `path` (with the error answers). */
interface DocParts {
  registry: OpenAPIRegistry;
  security: { [name: string]: string[] }[];
  path: (method: 'get' | 'post', route: string, summary: string, extra: Record<string, unknown>) => void;
  Template: z.ZodType;
  Status: z.ZodType;
  Result: z.ZodType;
  Error: z.ZodType;
}

function build() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const security = [{ [bearer.name]: [] }];
  const path: DocParts['path'] = (method, route, summary, extra) =>
    registry.registerPath({ method, path: route, summary, security, ...extra, responses: { ...errors, ...(extra.responses as object) } });
  const doc: DocParts = {
    registry,
    security,
    path,
    Template: registry.register('Template', templateSchema),
    Status: registry.register('StatusDocument', statusDocumentSchema),
    Result: registry.register('ResultDocument', resultDocumentSchema),
    Error: registry.register('Error', errorSchema),
  };
  templatePaths(doc);
  examPaths(doc);
  reviewPaths(doc);
  registerBatchPaths(registry, path, doc.Error);
  accountPaths(doc);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'examflow API',
      version: '1',
      description: 'Durable exam processing: upload, status, results and reports. Errors are { error: { code, message, details? } }.',
    },
    servers: [{ url: '/' }],
  });
}

function templatePaths({ registry, path, Template, Error }: DocParts): void {
  path('post', '/v1/templates', 'Create an answer key (idempotent for identical content)', {
    request: { body: { content: { 'application/json': { schema: Template } } } },
    responses: {
      201: json(Template, 'created'),
      200: json(Template, 'identical template existed'),
      409: json(Error, 'id taken by different content'),
    },
  });
  path('get', '/v1/templates', 'List the tenant’s templates', { responses: { 200: json(templateListResponseSchema, 'templates') } });
  path('get', '/v1/templates/{id}', 'Get one template', {
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: json(Template, 'template') },
  });

  const importForm = omrCheckerImportForm.extend({
    template: z
      .string()
      .describe("binary: OMRChecker's template.json (pageDimensions, bubbleDimensions, fieldBlocks, customLabels, preProcessors)"),
    evaluation: z
      .string()
      .optional()
      .describe(
        "binary: OMRChecker's evaluation.json (answers_in_order, marking_schemes with fractions such as -2/3, several correct or weighted answers, section schemes); needed unless answerKey is sent",
      ),
    answerKey: z.string().optional().describe('binary: an answer-key CSV (label,answer per line), for evaluations with source_type "csv"'),
    marker: z
      .string()
      .optional()
      .describe('binary: the marker image CropOnMarkers matches (PNG, JPEG, WebP; stored with the template, at most 256 KB as PNG)'),
    reference: z
      .string()
      .optional()
      .describe('binary: the reference scan FeatureBasedAlignment matches (stored with the template, scaled to 1000 px)'),
  });
  path(
    'post',
    '/v1/templates/import/omrchecker',
    'A template from OMRChecker files (multipart); its layout reads the sheets (docs/third-party-layouts.md)',
    {
      request: { body: { content: { 'multipart/form-data': { schema: importForm } } } },
      responses: {
        201: json(Template, 'created (the template, with its layout)'),
        200: json(Template, 'identical template existed'),
        409: json(Error, 'id taken by different content'),
        413: json(Error, 'a file is too large'),
        415: json(Error, 'not multipart, or the marker is not an image'),
      },
    },
  );

  const templateParams = z.object({ id: z.string() });
  path('get', '/v1/templates/{id}/answer-sheet.pdf', 'The printable answer sheet of a template (A4, one or more pages)', {
    request: { params: templateParams },
    responses: {
      200: { description: 'PDF', content: { 'application/pdf': { schema: z.string() } } },
      409: json(Error, 'the template reads a third-party sheet (its layout): third_party_layout'),
    },
  });
  path('get', '/v1/templates/{id}/answer-sheet.json', 'The layout of exactly that PDF: PDF points, origin top-left, y down', {
    request: { params: templateParams },
    responses: {
      200: json(registry.register('AnswerSheetLayout', answerSheetLayoutSchema), 'layout'),
      409: json(Error, 'the template reads a third-party sheet (its layout): third_party_layout'),
    },
  });
}

function examPaths({ registry, security, path, Status, Result, Error }: DocParts): void {
  const pageFile =
    `binary: ${acceptedFormatsText} (a PDF is split into its pages, ${PDF_PAGE_DPI} dpi); ` +
    `at most ${MAX_PAGE_MEGAPIXELS} megapixels a page; answer sheets may be scans or phone photos (GET /page-rules.json)`;
  const examForm = submitExamFormSchema.extend({ pages: z.array(z.string().describe(pageFile)) });
  path('post', '/v1/exams', 'Submit an exam (multipart); optional Idempotency-Key header', {
    request: {
      body: { content: { 'multipart/form-data': { schema: examForm } } },
      headers: z.object({ 'idempotency-key': z.string().optional() }),
    },
    responses: {
      202: json(submitExamResponseSchema, 'accepted: follow statusUrl'),
      200: json(submitExamResponseSchema, 'this Idempotency-Key was seen: the same exam'),
      413: json(Error, 'a page is too large'),
      415: json(Error, 'a page is not a readable image'),
      429: json(Error, 'too many exams in flight: see Retry-After'),
    },
  });
  path('post', '/v1/exams/batch', 'Submit several exams at once (multipart manifest + pages)', {
    request: { body: { content: { 'multipart/form-data': { schema: z.object({ manifest: z.string(), pages: z.array(z.string()) }) } } } },
    responses: { 200: json(batchResponseSchema, 'one result per exam') },
  });
  path('get', '/v1/exams', 'List exams, newest first, from the records database (cursor pagination)', {
    request: { query: listExamsQuerySchema },
    responses: { 200: json(listExamsResponseSchema, 'a page of exams') },
  });
  path('get', '/v1/exams/statistics', 'Totals, success rate, durations and hourly trend', {
    request: { query: statisticsQuerySchema },
    responses: { 200: json(statisticsResponseSchema, 'statistics') },
  });
  path('get', '/v1/queue', 'Backlog, in-flight, limits and estimated wait per stage', {
    responses: { 200: json(queueResponseSchema, 'queue status') },
  });
  path('get', '/v1/exams/{examId}', 'Status document', { request: { params: examParams }, responses: { 200: json(Status, 'status') } });
  path('get', '/v1/exams/{examId}/events', 'Server-Sent Events: the status document on every change', {
    request: { params: examParams },
    responses: {
      200: {
        description: 'text/event-stream of `event: status` with a StatusDocument as data',
        content: { 'text/event-stream': { schema: z.string() } },
      },
    },
  });
  path('get', '/v1/exams/{examId}/result', 'Graded result', {
    request: { params: examParams },
    responses: { 200: json(Result, 'result'), 409: json(Error, 'not completed') },
  });
  path('get', '/v1/exams/{examId}/report.pdf', 'A4 PDF report', {
    request: { params: examParams },
    responses: { 200: { description: 'PDF', content: { 'application/pdf': { schema: z.string() } } }, 409: json(Error, 'not completed') },
  });
  path('get', '/v1/exams/{examId}/report.html', 'HTML report', {
    request: { params: examParams },
    responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, 409: json(Error, 'not completed') },
  });
  path('post', '/v1/exams/{examId}/cancel', 'Cancel a running exam', {
    request: { params: examParams },
    responses: { 202: json(controlResponseSchema, 'cancellation requested'), 409: json(Error, 'already closed') },
  });
  path('post', '/v1/exams/{examId}/retry', 'Run a failed or cancelled exam again', {
    request: { params: examParams },
    responses: { 202: json(controlResponseSchema, 'new run started'), 409: json(Error, 'not failed or cancelled') },
  });

  registry.registerPath({
    method: 'delete',
    path: '/v1/exams/{examId}',
    summary: 'Erase one exam: its record, artifacts and workflow histories',
    security,
    request: { params: examParams },
    responses: { ...errors, 204: { description: 'erased' }, 503: json(Error, 'not fully erased yet: send DELETE again') },
  });
}

function reviewPaths({ registry, path, Status, Result, Error }: DocParts): void {
  path('get', '/v1/reviews', 'The tenant’s exams waiting for a teacher, oldest wait first (cursor pagination)', {
    request: { query: reviewQueueQuerySchema },
    responses: { 200: json(reviewQueueResponseSchema, 'a page of waiting exams') },
  });
  path(
    'get',
    '/v1/exams/{examId}/review',
    'The answers an exam waits on (or waited on): reason, machine reading, confidence, image, decision',
    {
      request: { params: examParams },
      responses: {
        200: json(registry.register('Review', reviewResponseSchema), 'review items'),
        409: json(Error, 'the exam has no review'),
      },
    },
  );
  path('get', '/v1/exams/{examId}/review/{itemId}/image.png', 'The answer region of one review item, cut from the page', {
    request: { params: z.object({ examId: z.uuid(), itemId: z.string() }) },
    responses: { 200: { description: 'PNG', content: { 'image/png': { schema: z.string() } } } },
  });
  path(
    'post',
    '/v1/exams/{examId}/review',
    'Decide review items: a corrected answer (graded as usual) or points (0 to the question’s points); the exam goes on once every item is decided',
    {
      request: { params: examParams, body: { content: { 'application/json': { schema: reviewRequestSchema } } } },
      responses: { 200: json(Status, 'decisions taken: the status document'), 409: json(Error, 'the exam is not waiting for a review') },
    },
  );
  path(
    'post',
    '/v1/exams/{examId}/corrections',
    'Correct one answer of a completed exam: result, report and record are updated; the change is kept (who, when, before, after)',
    {
      request: { params: examParams, body: { content: { 'application/json': { schema: correctionRequestSchema } } } },
      responses: { 200: json(Result, 'the corrected result'), 409: json(Error, 'the exam is not completed') },
    },
  );
}

function accountPaths({ registry, security, path, Error }: DocParts): void {
  path('get', '/v1/students/{studentId}/exams', 'One student’s exams over time, with scores and knowledge-point mastery', {
    request: { params: z.object({ studentId: z.string() }), query: studentExamsQuerySchema },
    responses: { 200: json(studentExamsResponseSchema, 'the student’s exams, oldest first') },
  });
  registry.registerPath({
    method: 'get',
    path: '/page-rules.json',
    summary: 'What a page may be: formats, size and pixel limits, how a PDF is split (no token)',
    responses: { 200: json(z.looseObject({}), 'the page rules the uploads are checked with') },
  });
  path('get', '/v1/meta', 'Where the Temporal Web UI is, for links to each exam’s workflow', {
    responses: { 200: json(metaResponseSchema, 'meta') },
  });
  const webhookBody = { content: { 'application/json': { schema: webhookRequestSchema } } };
  registry.registerPath({
    method: 'put',
    path: '/v1/webhook',
    summary: 'Set the tenant’s webhook; completed, failed and cancelled exams are POSTed to it, signed with HMAC-SHA256',
    security,
    request: { body: webhookBody },
    responses: { ...errors, 200: json(webhookResponseSchema, 'the webhook, with its secret (shown only here)') },
  });
  path('get', '/v1/webhook', 'The tenant’s webhook (without its secret)', { responses: { 200: json(webhookResponseSchema, 'webhook') } });
  registry.registerPath({
    method: 'delete',
    path: '/v1/webhook',
    summary: 'Remove the webhook',
    security,
    responses: { ...errors, 204: { description: 'removed' } },
  });
  for (const direction of ['encode', 'decode'] as const) {
    path('post', `/v1/codec/${direction}`, `Temporal remote codec: ${direction} payloads (admin token only; for the Temporal Web UI)`, {
      request: { body: { content: { 'application/json': { schema: codecRequestSchema } } } },
      responses: { 200: json(codecRequestSchema, `the payloads, ${direction}d`), 403: json(Error, 'not an admin token') },
    });
  }
}

let cached: ReturnType<typeof build> | undefined;
export function openApiDocument() {
  cached ??= build();
  return cached;
}
