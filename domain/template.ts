import { z } from '../lib/zod';

// The answer key format of design.md ("Exam template"). `text` and `options` are an
// examflow extension: the question as printed, used for tagging and by the fixture generator.
export const questionTypes = ['choice', 'multi', 'truefalse', 'fill', 'open'] as const;
export type QuestionType = (typeof questionTypes)[number];
export const difficulties = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof difficulties)[number];

export const templateIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must match [a-z0-9][a-z0-9-]{0,63}');

export const templateQuestionSchema = z
  .object({
    number: z.string().regex(/^[1-9][0-9]{0,2}$/, 'must be a question number such as "1" or "12"'),
    type: z.enum(questionTypes),
    points: z.number().positive().max(1000),
    answer: z.string().trim().min(1).max(2000),
    accept: z.array(z.string().trim().min(1).max(500)).max(50).optional(),
    keywords: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    knowledgePoints: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
    difficulty: z.enum(difficulties).optional(),
    text: z.string().max(2000).optional(),
    options: z.array(z.string().max(500)).max(8).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['answer'], message });
    if (q.type === 'choice' && !/^[A-H]$/.test(q.answer)) bad('a choice answer is one letter A–H');
    if (q.type === 'multi' && !/^[A-H]{1,8}$/.test(q.answer)) bad('a multi answer is letters A–H such as "AC"');
    if (q.type === 'truefalse' && !/^[TF]$/.test(q.answer)) bad('a truefalse answer is "T" or "F"');
  });

export const templateSchema = z
  .object({
    id: templateIdSchema,
    title: z.string().trim().min(1).max(200),
    subject: z.string().trim().min(1).max(50),
    grade: z.string().trim().max(20).optional(),
    language: z.enum(['zh', 'en', 'zh+en']),
    questions: z.array(templateQuestionSchema).min(1).max(200),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.questions.forEach((q, i) => {
      if (seen.has(q.number)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'number'], message: `question number ${q.number} appears twice` });
      seen.add(q.number);
    });
  });

export type Template = z.infer<typeof templateSchema>;
export type TemplateQuestion = z.infer<typeof templateQuestionSchema>;
export type TemplateLanguage = Template['language'];

export function fullScore(template: Template): number {
  return template.questions.reduce((sum, q) => sum + q.points, 0);
}
