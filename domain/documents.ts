import { z } from '../lib/zod';
import { examStatuses, examSteps } from './exam-states';
import { studentSchema } from './student';
import { questionTypes } from './template';

// The public documents (status, result). The zod schemas are the only definition: the API
// validates and documents with them, everything else uses the inferred types.

export { examStatuses, type ExamStatus, type ExamStep } from './exam-states';

export const statusDocumentSchema = z.object({
  examId: z.string(),
  status: z.enum(examStatuses),
  step: z.enum(examSteps),
  progress: z.number().min(0).max(100),
  pages: z.object({ total: z.number().int(), processed: z.number().int() }),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  elapsedMs: z.number(),
  etaMs: z.number().nullable(),
  error: z.string().nullable(),
  // While the exam waits for a teacher: how many items wait, how many are decided, and when
  // the exam completes with the machine's readings if nobody comes.
  review: z.object({ items: z.number().int(), decided: z.number().int(), deadline: z.string() }).optional(),
});
export type StatusDocument = z.infer<typeof statusDocumentSchema>;

export { type Student } from './student';

/**
 * Why an answer deserves a teacher's look: `double` two marks on a one-answer question
 * (scored as wrong), `erased` a mark rubbed out (not counted), `stray` a stroke outside the
 * bubbles, `faint` a mark lighter than a clear fill, `low_confidence` a box read with doubt.
 */
export const answerFlags = ['double', 'erased', 'stray', 'faint', 'low_confidence'] as const;
export type AnswerFlag = (typeof answerFlags)[number];

const gradedQuestionSchema = z.object({
  number: z.string(),
  // The template section the question belongs to (numbers may restart per section); null
  // without sections. Optional only so that results stored before sections still validate.
  section: z.string().nullable().optional(),
  type: z.enum(questionTypes),
  studentAnswer: z.string().nullable(),
  correctAnswer: z.string(),
  correct: z.boolean(),
  // `missing`: the parser could not find the question on the paper (never silently graded wrong).
  missing: z.boolean(),
  awarded: z.number(),
  points: z.number(),
  confidence: z.number().min(0).max(1),
  knowledgePoints: z.array(z.string()),
  difficulty: z.enum(['easy', 'medium', 'hard']).nullable(),
  // Where knowledgePoints/difficulty came from: the answer key, the built-in rules or the LLM.
  tagSource: z.enum(['template', 'rules', 'llm']).optional(),
  // Who graded the answer: the rules, or the LLM rubric (open questions, when configured).
  gradedBy: z.enum(['rules', 'llm']).optional(),
  // The LLM rubric's one-sentence reason for its award.
  feedback: z.string().optional(),
  // The LLM was asked (rubric or tagging) but failed, so the rules' result stands.
  degraded: z.boolean().optional(),
  // What the reader noticed about the marks (answer sheets) or the reading; empty when nothing.
  flags: z.array(z.enum(answerFlags)).optional(),
  // Teacher review: the teacher's decision on this answer (who, when, what the machine read),
  // or `unreviewed` when it waited for a teacher and nobody came before the deadline.
  review: z
    .object({
      status: z.enum(['decided', 'unreviewed']),
      reason: z.string(),
      machineAnswer: z.string().nullable(),
      machineAwarded: z.number(),
      answer: z.string().optional(),
      awarded: z.number().optional(),
      decidedBy: z.string().optional(),
      decidedAt: z.string().optional(),
    })
    .optional(),
});
export type GradedQuestion = z.infer<typeof gradedQuestionSchema>;

const knowledgePointMasterySchema = z.object({
  name: z.string(),
  mastery: z.number().min(0).max(1),
  awarded: z.number(),
  points: z.number(),
});
export type KnowledgePointMastery = z.infer<typeof knowledgePointMasterySchema>;

const diagnosisSchema = z.object({
  summary: z.string(),
  weakPoints: z.array(z.string()),
  strengths: z.array(z.string()),
  recommendations: z.array(z.string()),
  source: z.enum(['rules', 'llm']),
  degraded: z.boolean(),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;

const difficultyBreakdownSchema = z.object({ difficulty: z.string(), awarded: z.number(), points: z.number() });

export const resultDocumentSchema = z.object({
  examId: z.string(),
  templateId: z.string(),
  title: z.string(),
  subject: z.string(),
  language: z.enum(['zh', 'en', 'zh+en']),
  student: studentSchema,
  score: z.number(),
  fullScore: z.number(),
  questions: z.array(gradedQuestionSchema),
  knowledgePoints: z.array(knowledgePointMasterySchema),
  byDifficulty: z.array(difficultyBreakdownSchema),
  diagnosis: diagnosisSchema,
  gradedAt: z.string(),
  // Teacher review of this exam: `reviewed` every waiting item decided, `unreviewed` the
  // deadline passed first (undecided items keep the machine's reading); corrections after completion.
  review: z
    .object({
      status: z.enum(['reviewed', 'unreviewed']),
      items: z.number().int(),
      decided: z.number().int(),
    })
    .optional(),
  corrections: z
    .array(
      z.object({
        number: z.string(),
        section: z.string().nullable(),
        by: z.string(),
        at: z.string(),
        before: z.object({ answer: z.string().nullable(), awarded: z.number() }),
        after: z.object({ answer: z.string().nullable(), awarded: z.number() }),
      }),
    )
    .optional(),
});
export type ResultDocument = z.infer<typeof resultDocumentSchema>;
