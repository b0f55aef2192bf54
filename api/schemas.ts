import { z } from 'zod';
import { examStatuses } from '../domain/documents';
import { templateIdSchema } from '../domain/template';

// Shapes of the API's own inputs and outputs; the documents (status, result, template)
// are defined in domain/ and reused here.

export const examIdSchema = z.uuid({ message: 'an exam id is a UUID as returned by POST /v1/exams' });

export const submittedStudentSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    class: z.string().trim().min(1).max(100).optional(),
    id: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

/** The text fields of the multipart form of POST /v1/exams. */
export const submitExamFieldsSchema = z
  .object({
    templateId: templateIdSchema,
    // A JSON object in a form field: {"name": "…", "class": "…", "id": "…"}
    student: z
      .string()
      .max(2000)
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
    priority: z.enum(['normal', 'urgent']).default('normal'),
  })
  .strict();

export const submitExamResponseSchema = z.object({
  examId: z.string(),
  status: z.enum(examStatuses),
  statusUrl: z.string(),
});
export type SubmitExamResponse = z.infer<typeof submitExamResponseSchema>;
