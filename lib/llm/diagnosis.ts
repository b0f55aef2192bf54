import { z } from '../zod';
import { percentOf } from '../../domain/diagnose';
import type { Diagnosis } from '../../domain/documents';
import type { GradedExam } from '../../domain/grade';
import type { Template } from '../../domain/template';
import { chatJson, LlmError, type ChatOptions } from './client';
import type { LlmSettings } from './settings';

// The LLM diagnosis: the same Diagnosis shape as the rules, written for a parent, in the
// paper's language. Checked beyond the schema: the language is right and the weak points
// and strengths are knowledge points of this paper, so the report stays consistent.

const cjk = /[\u4e00-\u9fff]/;

const diagnosisReply = z.object({
  summary: z.string().trim().min(1).max(2000),
  weakPoints: z.array(z.string().trim().min(1)).max(30),
  strengths: z.array(z.string().trim().min(1)).max(30),
  recommendations: z.array(z.string().trim().min(1).max(1000)).max(30),
});

function prompt(template: Template, graded: GradedExam) {
  const zh = template.language !== 'en';
  const system = [
    "You write the diagnosis of a student's graded exam for the student's parents: warm, concrete, no jargon.",
    'Reply with one JSON object only: {"summary": "...", "weakPoints": ["..."], "strengths": ["..."], "recommendations": ["..."]}.',
    `Write everything ${zh ? 'in Simplified Chinese' : 'in English'}.`,
    'weakPoints and strengths are knowledge-point names copied exactly from the data (weak: mastery below 0.6, strengths: 0.85 or more).',
    'recommendations: one concrete study step per weak point, naming the question numbers where points were lost.',
    'If some answers were not found on the paper ("missing"), say a teacher should check the paper.',
  ].join('\n');
  const user = JSON.stringify({
    title: template.title,
    subject: template.subject,
    grade: template.grade ?? null,
    score: graded.score,
    fullScore: graded.fullScore,
    percent: percentOf(graded.score, graded.fullScore),
    knowledgePoints: graded.knowledgePoints,
    byDifficulty: graded.byDifficulty,
    questions: graded.questions.map((q) => ({
      number: q.number,
      type: q.type,
      knowledgePoints: q.knowledgePoints,
      difficulty: q.difficulty,
      awarded: q.awarded,
      points: q.points,
      missing: q.missing,
    })),
  });
  return [
    { role: 'system' as const, content: system },
    { role: 'user' as const, content: user },
  ];
}

/** The LLM's diagnosis (source 'llm'). Throws LlmError when the reply is unusable. */
export async function llmDiagnosis(
  settings: LlmSettings,
  template: Template,
  graded: GradedExam,
  options: ChatOptions = {},
): Promise<Diagnosis> {
  const reply = await chatJson(settings, prompt(template, graded), diagnosisReply, { maxTokens: 1500, temperature: 0.3, ...options });
  const zh = template.language !== 'en';
  const text = [reply.summary, ...reply.recommendations].join('\n');
  if (zh !== cjk.test(reply.summary) || (!zh && cjk.test(text)))
    throw new LlmError(`LLM diagnosis is not in ${zh ? 'Chinese' : 'English'}`, 'schema');
  const names = new Set(graded.knowledgePoints.map((k) => k.name));
  const unknown = [...reply.weakPoints, ...reply.strengths].filter((n) => !names.has(n));
  if (unknown.length) throw new LlmError(`LLM diagnosis names unknown knowledge points: ${unknown.slice(0, 3).join(', ')}`, 'schema');
  if (reply.weakPoints.length && !reply.recommendations.length)
    throw new LlmError('LLM diagnosis has weak points but no recommendations', 'schema');
  return { ...reply, source: 'llm', degraded: false };
}
