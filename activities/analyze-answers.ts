import { Context, log } from '@temporalio/activity';
import { gradeExam, openNeedsJudgement, type OpenVerdict } from '../domain/grade';
import type { ParsedExam } from '../domain/paper';
import { questionKey, type Template } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';
import { budgetOptions } from '../lib/llm/budget';
import type { ChatOptions } from '../lib/llm/client';
import { llmOpenVerdict } from '../lib/llm/rubric';
import type { LlmSettings } from '../lib/llm/settings';
import { tagQuestions } from '../lib/tagging/tag-questions';
import type { ActivityDeps } from './deps';

export interface AnalyzeAnswersInput {
  examId: string;
  templateKey: string;
  parsedKey: string;
}

// All LLM work of this activity (tagging and the open rubric, in parallel) ends within this
// budget, well inside analyzeAnswers' 1-minute start-to-close timeout in workflows/policies.ts.
const LLM_BUDGET_MS = 40_000;

/** The LLM rubric's verdict on every open answer that needs judging; 'failed' where it could not. */
async function judgeOpenAnswers(
  template: Template,
  parsed: ParsedExam,
  llm: LlmSettings,
  call: ChatOptions,
): Promise<Record<string, OpenVerdict | 'failed'>> {
  const answers = new Map(parsed.answers.map((a) => [questionKey(a), a.answer]));
  const missing = new Set(parsed.missing);
  const open = template.questions.filter((q) => !missing.has(questionKey(q)) && openNeedsJudgement(q, answers.get(questionKey(q)) ?? null));
  // A paper has a handful of open questions: one call each, all at once.
  const verdicts = await Promise.all(
    open.map(async (q) => {
      try {
        return [questionKey(q), await llmOpenVerdict(llm, template, q, answers.get(questionKey(q))!, call)] as const;
      } catch (err) {
        log.warn('LLM rubric failed; using keyword credit', { err: (err as Error).message, templateId: template.id, question: q.number });
        return [questionKey(q), 'failed'] as const;
      }
    }),
  );
  return Object.fromEntries<OpenVerdict | 'failed'>(verdicts);
}

/** Tags untagged questions, then grades (the LLM rubric for open answers when configured). */
export async function analyzeAnswers(
  deps: Pick<ActivityDeps, 'store' | 'llm' | 'tags'>,
  input: AnalyzeAnswersInput,
): Promise<{ gradedKey: string; score: number; fullScore: number }> {
  const { store, llm } = deps;
  const [template, parsed] = await Promise.all([store.getJson<Template>(input.templateKey), store.getJson<ParsedExam>(input.parsedKey)]);
  const call = budgetOptions(LLM_BUDGET_MS, Context.current().cancellationSignal);
  const [tagged, open] = await Promise.all([
    tagQuestions(template, llm, { ...deps.tags, call, log }),
    llm ? judgeOpenAnswers(template, parsed, llm, call) : Promise.resolve(undefined),
  ]);
  const graded = gradeExam(tagged.template, parsed, { open, tagSources: tagged.sources, tagsDegraded: tagged.degraded });
  const gradedKey = await store.putJson(examKeys(input.examId).graded, graded);
  return { gradedKey, score: graded.score, fullScore: graded.fullScore };
}
