import { z } from '../lib/zod';
import { markingFor } from './marking';
import { layoutSchema, questionLabels } from './omr-layout';

// The answer key (exam template) that POST /v1/templates accepts. `text` and `options`, both
// optional, are the question as printed, used for tagging and by the fixture generator.
export const questionTypes = ['choice', 'multi', 'truefalse', 'fill', 'open'] as const;
export type QuestionType = (typeof questionTypes)[number];
export const difficulties = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof difficulties)[number];

// Marking rules: points for a correct / incorrect / unmarked answer, and for a
// `multi` question the points of a correct subset (any wrong letter scores `incorrect`).
// `correct` defaults to the question's points; the others to 0 (or half the points for a
// correct subset, today's rule). Negative values are negative marking.
const markingRulesSchema = z
  .object({
    correct: z.number().min(-1000).max(1000).optional(),
    incorrect: z.number().min(-1000).max(1000).optional(),
    unmarked: z.number().min(-1000).max(1000).optional(),
    multiPartial: z.number().min(0).max(1000).optional(),
  })
  .strict();
export type MarkingRules = z.infer<typeof markingRulesSchema>;

const sectionSchema = z.string().trim().min(1).max(20);

export const templateIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must match [a-z0-9][a-z0-9-]{0,63}');

const templateQuestionSchema = z
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
    // Numbers may restart in each section; section + number identify a question.
    section: sectionSchema.optional(),
    // "teacher": the question always goes to teacher review (typically open questions).
    scoredBy: z.enum(['machine', 'teacher']).optional(),
    // Weighted answers: points for these exact answers instead of the marking's `correct`
    // (OMRChecker's weighted answers, e.g. {"B": 2, "C": 1.5}).
    answerPoints: z.record(z.string().trim().min(1).max(40), z.number().min(-1000).max(1000)).optional(),
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
    // Marking rules for the whole template, and per section (a section's rules win).
    marking: markingRulesSchema.optional(),
    sections: z
      .record(sectionSchema, z.object({ title: z.string().trim().max(100).optional(), marking: markingRulesSchema.optional() }).strict())
      .optional(),
    // A sheet examflow did not print: where its fields are (docs/third-party-layouts.md).
    layout: layoutSchema.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.questions.forEach((q, i) => {
      const key = questionKey(q);
      const where = q.section ? ` in section ${q.section}` : '';
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['questions', i, 'number'], message: `question number ${q.number} appears twice${where}` });
      seen.add(key);
    });
    if (t.layout) {
      const found = questionLabels(t.layout, t.questions.map(questionKey));
      t.questions.forEach((q, i) => {
        if (!found.has(questionKey(q)))
          ctx.addIssue({
            code: 'custom',
            path: ['questions', i, 'number'],
            message: q.section
              ? `question ${questionKey(q)} has no field on the layout: map it under layout.questions ("${questionKey(q)}": [its field labels])`
              : `question ${questionKey(q)} has no field on the layout: label a field "q${q.number}" or map it under layout.questions`,
          });
      });
    }
  });

/** Section + number identify a question ("二/3"); without a section, the number alone. */
export function questionKey(q: { number: string; section?: string | null }): string {
  return q.section ? `${q.section}/${q.number}` : q.number;
}

export type Template = z.infer<typeof templateSchema>;
export type TemplateQuestion = z.infer<typeof templateQuestionSchema>;
export type TemplateLanguage = Template['language'];

/** The most a paper can score: each question's points for a right answer under the marking rules. */
export function fullScore(template: Template): number {
  return template.questions.reduce((sum, q) => sum + markingFor(template, q).correct, 0);
}
