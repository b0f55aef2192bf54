import { diagnose } from '../domain/diagnose';
import type { Diagnosis } from '../domain/documents';
import type { GradedExam } from '../domain/grade';
import type { Template } from '../domain/template';
import { artifacts, examKeys } from '../lib/artifacts/artifacts';
import { budgetOptions } from '../lib/llm/budget';
import type { ChatOptions } from '../lib/llm/client';
import { llmDiagnosis } from '../lib/llm/diagnosis';
import { llmSettings, type LlmSettings } from '../lib/llm/settings';
import { logger } from '../lib/logger';

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
export async function diagnoseWith(template: Template, graded: GradedExam, llm: LlmSettings | null, call?: ChatOptions): Promise<Diagnosis> {
  const gradingDegraded = graded.degraded === true;
  if (llm) {
    try {
      const d = await llmDiagnosis(llm, template, graded, call ?? budgetOptions(LLM_BUDGET_MS));
      return { ...d, degraded: gradingDegraded };
    } catch (err) {
      logger.warn({ err: (err as Error).message, templateId: template.id }, 'LLM diagnosis failed; using the rule-based diagnosis');
      return { ...diagnose(template, graded), degraded: true };
    }
  }
  return { ...diagnose(template, graded), degraded: gradingDegraded };
}

/** Weak points, strengths and recommendations from the graded exam. */
export async function diagnoseExam(input: DiagnoseExamInput): Promise<{ diagnosisKey: string; weakPoints: number }> {
  const store = artifacts();
  const [template, graded] = await Promise.all([store.getJson<Template>(input.templateKey), store.getJson<GradedExam>(input.gradedKey)]);
  const diagnosis = await diagnoseWith(template, graded, llmSettings());
  const diagnosisKey = await store.putJson(examKeys(input.examId).diagnosis, diagnosis);
  return { diagnosisKey, weakPoints: diagnosis.weakPoints.length };
}
