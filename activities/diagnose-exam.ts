import { Context, log } from '@temporalio/activity';
import { diagnose } from '../domain/diagnose';
import type { Diagnosis } from '../domain/documents';
import type { GradedExam } from '../domain/grade';
import type { Template } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';
import { budgetOptions } from '../lib/llm/budget';
import { llmDiagnosis } from '../lib/llm/diagnosis';
import type { LlmSettings } from '../lib/llm/settings';
import type { ActivityDeps } from './deps';

export interface DiagnoseExamInput {
  examId: string;
  templateKey: string;
  gradedKey: string;
}

// The LLM diagnosis ends within this budget, inside diagnoseExam's 2-minute start-to-close
// timeout in workflows/policies.ts.
const LLM_BUDGET_MS = 90_000;

/**
 * The LLM diagnosis when configured, else (or on any failure) the rules'. `degraded` says
 * some LLM step of this exam failed: this one, or tagging/rubric in the analyze step.
 */
async function diagnosis(template: Template, graded: GradedExam, llm: LlmSettings | null): Promise<Diagnosis> {
  const gradingDegraded = graded.degraded === true;
  if (!llm) return { ...diagnose(template, graded), degraded: gradingDegraded };
  try {
    const d = await llmDiagnosis(llm, template, graded, budgetOptions(LLM_BUDGET_MS, Context.current().cancellationSignal));
    return { ...d, degraded: gradingDegraded };
  } catch (err) {
    log.warn('LLM diagnosis failed; using the rule-based diagnosis', { err: (err as Error).message, templateId: template.id });
    return { ...diagnose(template, graded), degraded: true };
  }
}

/** Weak points, strengths and recommendations from the graded exam. */
export async function diagnoseExam(
  deps: Pick<ActivityDeps, 'store' | 'llm'>,
  input: DiagnoseExamInput,
): Promise<{ diagnosisKey: string; weakPoints: number }> {
  const { store } = deps;
  const [template, graded] = await Promise.all([store.getJson<Template>(input.templateKey), store.getJson<GradedExam>(input.gradedKey)]);
  const found = await diagnosis(template, graded, deps.llm);
  const diagnosisKey = await store.putJson(examKeys(input.examId).diagnosis, found);
  return { diagnosisKey, weakPoints: found.weakPoints.length };
}
