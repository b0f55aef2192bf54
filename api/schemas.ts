import { z } from '../lib/zod';
import { examStatuses } from '../domain/documents';
import { priorities } from '../domain/exam-states';
import { submittedStudentSchema } from '../domain/student';
import { boxQuestionTypes, bubbleQuestionTypes, type SheetLayout } from '../domain/sheet-layout';
import { templateIdSchema } from '../domain/template';
import type { PageTokens } from '../lib/page-token';

// Shapes of the API's own inputs and outputs; the documents (status, result, template)
// are defined in domain/ and reused here.

export const examIdSchema = z.uuid({ message: 'an exam id is a UUID as returned by POST /v1/exams' });

export { submittedStudentSchema };

const studentFormField = z.string().max(2000).describe('JSON {"name","class","id"}');

/** The text fields of the multipart form of POST /v1/exams, as sent (the OpenAPI document shows these). */
export const submitExamFormSchema = z
  .object({
    templateId: templateIdSchema
      .optional()
      .describe(
        'the answer key; leave it out for examflow answer sheets, whose code names the template ' +
          '(400 missing_template when neither is there, 400 unknown_template when the code names a template this account ' +
          'does not have; with a templateId the exam fails with a BadInput "answer sheets of template …" message when ' +
          'its first page is a sheet of another template)',
      ),
    student: studentFormField.optional(),
    priority: z.enum(priorities).default('normal'),
  })
  .strict();

/** The same fields as the route reads them: `student` is a JSON object in a form field. */
export const submitExamFieldsSchema = submitExamFormSchema.extend({
  student: studentFormField
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'student must be a JSON object such as {"name":"张三","id":"2023001"}' });
        return z.NEVER;
      }
    })
    .pipe(submittedStudentSchema)
    .optional(),
});

export const submitExamResponseSchema = z.object({
  examId: z.string(),
  status: z.enum(examStatuses),
  statusUrl: z.string(),
});
export type SubmitExamResponse = z.infer<typeof submitExamResponseSchema>;

/** Filter values go into visibility queries: letters, digits and a few separators only, never a quote. */
const queryValue = z.string().regex(/^[\p{L}\p{N} ._\-()/]{1,64}$/u, 'letters, digits, spaces and . _ - ( ) / only');

/** A date-time with an offset, between 1970 and 9999 once the offset is applied (what visibility and the database can compare). */
const queryDate = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 date-time with an offset, such as 2026-05-01T00:00:00+08:00' })
  .refine((value) => {
    const ms = Date.parse(value);
    return ms >= Date.UTC(1970, 0, 1) && ms <= Date.UTC(9999, 11, 31, 23, 59, 59, 999);
  }, 'must fall between 1970-01-01 and 9999-12-31 (UTC) once its offset is applied');

/**
 * The cursor of GET /v1/exams: exactly what the previous page's nextPageToken was, sealed by
 * this API (lib/page-token.ts). Anything else is refused here, before any read.
 */
const pageTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{1,4096}$/, 'pass back nextPageToken unchanged');
const sealedPageToken = (tokens: PageTokens) =>
  pageTokenSchema.refine(
    (token) => tokens.open(token) !== null,
    'not a page token this API issued: pass back nextPageToken unchanged, or leave it out for the first page',
  );

export const listExamsQuerySchema = z
  .object({
    status: z.enum(examStatuses).optional(),
    subject: queryValue.optional(),
    studentId: queryValue.optional(),
    templateId: templateIdSchema.optional(),
    createdFrom: queryDate.optional(),
    createdTo: queryDate.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    pageToken: pageTokenSchema.optional(),
  })
  .strict();

/** The list query as GET /v1/exams checks it: a page token must be one these tokens sealed. */
export const listExamsQueryFor = (tokens: PageTokens) => listExamsQuerySchema.extend({ pageToken: sealedPageToken(tokens).optional() });

export const examSummarySchema = z.object({
  examId: z.string(),
  tenantId: z.string().nullable(),
  status: z.enum(examStatuses),
  step: z.string().nullable(),
  subject: z.string().nullable(),
  templateId: z.string().nullable(),
  studentId: z.string().nullable(),
  score: z.number().nullable(),
  pages: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  elapsedMs: z.number(),
  statusUrl: z.string(),
});

export const listExamsResponseSchema = z.object({
  exams: z.array(examSummarySchema),
  nextPageToken: z.string().nullable(),
});

export const statisticsQuerySchema = z
  .object({
    // Whole hours only: each value is its own cached answer, so fractions would be a cache-bypass.
    windowHours: z.coerce
      .number()
      .int('whole hours only, from 1 to 720')
      .min(1)
      .max(24 * 30)
      .default(24),
  })
  .strict();

export const statisticsResponseSchema = z.object({
  total: z.number(),
  byStatus: z.object({
    pending: z.number(),
    processing: z.number(),
    needs_review: z.number(),
    completed: z.number(),
    failed: z.number(),
    cancelled: z.number(),
  }),
  /** completed / (completed + failed), percent, all time; null before anything closed */
  successRate: z.number().nullable(),
  window: z.object({
    hours: z.number(),
    completed: z.number(),
    failed: z.number(),
    cancelled: z.number(),
    successRate: z.number().nullable(),
    throughputPerMinute: z.number(),
    /** over the most recent completed exams in the window (at most `sampled` of them) */
    processingMs: z.object({ average: z.number().nullable(), p95: z.number().nullable(), sampled: z.number() }),
  }),
  hourlyTrend: z.array(z.object({ hour: z.string(), completed: z.number(), failed: z.number(), cancelled: z.number() })),
  generatedAt: z.string(),
});
export type StatisticsResponse = z.infer<typeof statisticsResponseSchema>;

const queueStageSchema = z.object({
  stage: z.enum(['ocr', 'default']),
  taskQueue: z.string(),
  /** tasks waiting on the task queue (workflow + activity tasks) */
  backlog: z.number(),
  backlogAgeMs: z.number(),
  /** exams whose current step runs on this queue */
  inFlight: z.number(),
  /** activity slots per worker process */
  concurrencyLimit: z.number(),
  pollers: z.number(),
  dispatchRatePerSecond: z.number(),
  estimatedWaitMs: z.number(),
  maxBacklogSeen: z.number(),
  maxInFlightSeen: z.number(),
});

export const queueResponseSchema = z.object({
  stages: z.array(queueStageSchema),
  /** accepted exams no worker has picked up yet */
  pending: z.number(),
  inFlight: z.number(),
  maxInFlight: z.number(),
  admissionLimit: z.number(),
  since: z.string(),
});
export type QueueResponse = z.infer<typeof queueResponseSchema>;

export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'up to 128 letters, digits and _ . : -');

/** The `manifest` field of POST /v1/exams/batch: one entry per exam, its pages in order. */
export const batchManifestSchema = z
  .array(
    z
      .object({
        // Optional as in POST /v1/exams: an answer sheet's code names the template.
        templateId: templateIdSchema.optional(),
        student: submittedStudentSchema.optional(),
        priority: z.enum(priorities).default('normal'),
        pages: z.number().int().min(1).max(200),
      })
      .strict(),
  )
  .min(1)
  .max(100);

export const batchResponseSchema = z.object({
  results: z.array(
    z.union([
      z.object({ index: z.number(), status: z.literal(202), examId: z.string(), statusUrl: z.string() }),
      z.object({ index: z.number(), status: z.number(), error: z.object({ code: z.string(), message: z.string() }) }),
    ]),
  ),
});

export const controlResponseSchema = z.object({
  examId: z.string(),
  /** what was asked of Temporal; follow statusUrl for the outcome */
  accepted: z.enum(['cancel', 'retry']),
  statusUrl: z.string(),
});

export const templateListResponseSchema = z.object({
  templates: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      subject: z.string(),
      grade: z.string().nullable(),
      language: z.enum(['zh', 'en', 'zh+en']),
      questions: z.number(),
      /** admin tokens only: the tenant the template belongs to */
      tenantId: z.string().optional(),
    }),
  ),
});

export const webhookRequestSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'an http(s) URL the exam notices are POSTed to' }).max(2000),
    /** omitted: examflow generates one and returns it once */
    secret: z.string().min(16).max(128).optional(),
  })
  .strict();

export const webhookResponseSchema = z.object({ url: z.string(), secret: z.string().optional(), createdAt: z.string() });

export const metaResponseSchema = z.object({ temporalUiUrl: z.string(), namespace: z.string(), tenantId: z.string() });

// The answer-sheet layout, as zod for the OpenAPI document. domain/sheet-layout.ts
// owns the type; the assertion below fails to compile if the two ever drift apart.
const point = { x: z.number(), y: z.number() };
const rect = z.object({ ...point, w: z.number(), h: z.number() });
const bubble = z.object({ label: z.string(), ...point, r: z.number() });
export const answerSheetLayoutSchema = z.object({
  templateId: z.string(),
  title: z.string(),
  unit: z.literal('pt'),
  pages: z.array(
    z.object({
      width: z.number(),
      height: z.number(),
      markers: z
        .array(z.object({ ...point, size: z.number() }))
        .describe('four solid squares: top-left, top-right, bottom-right, bottom-left (top-left corners)'),
      code: z.object({ ...point, size: z.number(), text: z.string() }).describe('the QR code; text = EXF1/<templateId>/<page>/<pages>'),
      title: z.object({ text: z.string(), ...point, size: z.number() }).nullable(),
      nameLines: z.array(z.object({ ...point, w: z.number() })),
      footer: z.object({ text: z.string(), ...point }),
      studentNumber: z
        .object({
          digits: z.number(),
          box: rect,
          bubbles: z.array(z.object({ digit: z.number().describe('position, 0 = leftmost'), value: z.string(), ...point, r: z.number() })),
        })
        .nullable(),
      headings: z.array(z.object({ text: z.string(), ...point })),
      questions: z.array(
        z.union([
          z.object({
            number: z.string(),
            section: z.string().nullable(),
            type: z.enum(bubbleQuestionTypes),
            labelAt: z.object(point),
            options: z.array(bubble),
          }),
          z.object({ number: z.string(), section: z.string().nullable(), type: z.enum(boxQuestionTypes), box: rect }),
        ]),
      ),
    }),
  ),
});
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const layoutSchemaMatches: Same<z.infer<typeof answerSheetLayoutSchema>, SheetLayout> = true;
void layoutSchemaMatches;

/** Temporal's remote codec protocol (POST /v1/codec/encode and /decode): payloads with base64 metadata values and data. */
const base64 = z
  .string()
  .max(4 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
export const codecRequestSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(1000),
});

/** A student id as submitted in `student.id` or read from the paper. */
export const studentIdParamSchema = z.string().trim().min(1).max(64);
export const studentExamsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

const knowledgePointMasteryOut = z.object({ name: z.string(), mastery: z.number(), awarded: z.number(), points: z.number() });
export const studentExamsResponseSchema = z.object({
  student: z.object({ id: z.string(), name: z.string().nullable(), class: z.string().nullable() }),
  /** oldest first */
  exams: z.array(
    z.object({
      examId: z.string(),
      templateId: z.string(),
      subject: z.string(),
      status: z.string(),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
      score: z.number().nullable(),
      fullScore: z.number().nullable(),
      knowledgePoints: z.array(knowledgePointMasteryOut),
      // Exams of a class batch: the batch, its name, and the class's average beside the student's score.
      batchId: z.string().nullable().optional(),
      batchName: z.string().nullable().optional(),
      classAverage: z.number().nullable().optional(),
    }),
  ),
  /** weakest first: overall mastery, the latest, the change since the first exam, and the history */
  knowledgePoints: z.array(
    z.object({
      name: z.string(),
      mastery: z.number(),
      latest: z.number(),
      change: z.number().nullable(),
      history: z.array(z.object({ examId: z.string(), at: z.string(), mastery: z.number(), awarded: z.number(), points: z.number() })),
    }),
  ),
});
