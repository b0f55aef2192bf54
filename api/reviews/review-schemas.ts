import { z } from '../../lib/zod';
import { examStatuses } from '../../domain/documents';
import { reviewReasons } from '../../domain/review-decisions';
import { questionTypes } from '../../domain/template';

// Shapes of the teacher-review routes (api/reviews/routes.ts), validated and documented from here.

export const itemIdSchema = z.string().regex(/^q[1-9][0-9]{0,2}$/, 'an item id such as "q3", as GET /v1/exams/:examId/review lists them');

const decisionSchema = z
  .object({
    itemId: itemIdSchema,
    answer: z.string().trim().min(1).max(2000).optional().describe('the answer as the teacher reads it; graded by the usual rules'),
    awarded: z.number().finite().min(0).max(1000).optional().describe('points awarded directly, 0 to the question’s points'),
  })
  .strict()
  .refine((d) => d.answer !== undefined || d.awarded !== undefined, { message: 'give the corrected answer or the points awarded' });

export const reviewRequestSchema = z
  .object({
    decisions: z.array(decisionSchema).min(1).max(200),
    // Who decides, as the result will name them (default: the token's tenant).
    teacher: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const correctionRequestSchema = z
  .object({
    number: z.string().regex(/^[1-9][0-9]{0,2}$/, 'a question number such as "3"'),
    section: z.string().trim().min(1).max(20).nullable().optional(),
    answer: z.string().trim().min(1).max(2000).optional(),
    awarded: z.number().finite().min(0).max(1000).optional(),
    teacher: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((d) => d.answer !== undefined || d.awarded !== undefined, { message: 'give the corrected answer or the points awarded' });

const reviewItemSchema = z.object({
  itemId: z.string(),
  number: z.string(),
  section: z.string().nullable(),
  type: z.enum(questionTypes),
  points: z.number(),
  reason: z.enum(reviewReasons),
  machineAnswer: z.string().nullable(),
  confidence: z.number(),
  imageUrl: z.string(),
  decision: z
    .object({ answer: z.string().optional(), awarded: z.number().optional(), decidedBy: z.string(), decidedAt: z.string() })
    .nullable(),
});

export const reviewResponseSchema = z.object({
  examId: z.string(),
  status: z.enum(examStatuses),
  waiting: z.boolean(),
  deadline: z.string().nullable(),
  items: z.array(reviewItemSchema),
});

export const reviewQueueQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    pageToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,4096}$/, 'pass back nextPageToken unchanged')
      .optional(),
  })
  .strict();

export const reviewQueueResponseSchema = z.object({
  exams: z.array(
    z.object({
      examId: z.string(),
      templateId: z.string(),
      subject: z.string(),
      studentId: z.string().nullable(),
      studentName: z.string().nullable(),
      studentClass: z.string().nullable(),
      items: z.number().int(),
      waitingSince: z.string(),
      createdAt: z.string(),
      reviewUrl: z.string(),
    }),
  ),
  nextPageToken: z.string().nullable(),
});
