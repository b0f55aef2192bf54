import { z } from '../lib/zod';

// Who wrote a paper: what a teacher may type at submission, and what a result says.

/** What a submission may say about the student; it wins over what OCR reads off the header. */
export const submittedStudentSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    class: z.string().trim().min(1).max(100).optional(),
    id: z.string().trim().min(1).max(64).optional(),
  })
  .strict();
export type SubmittedStudent = z.infer<typeof submittedStudentSchema>;

/** The student of a result: each field as submitted, else as read off the paper, else null. */
export const studentSchema = z.object({
  name: z.string().nullable(),
  class: z.string().nullable(),
  id: z.string().nullable(),
});
export type Student = z.infer<typeof studentSchema>;
