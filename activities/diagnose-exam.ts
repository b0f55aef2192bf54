import { diagnose } from '../domain/diagnose';
import type { GradedExam } from '../domain/grade';
import type { Template } from '../domain/template';
import { artifacts, examKeys } from '../lib/artifacts';

export interface DiagnoseExamInput {
  examId: string;
  templateKey: string;
  gradedKey: string;
}

/** Weak points, strengths and recommendations from the graded exam. */
export async function diagnoseExam(input: DiagnoseExamInput): Promise<{ diagnosisKey: string; weakPoints: number }> {
  const store = artifacts();
  const [template, graded] = await Promise.all([store.getJson<Template>(input.templateKey), store.getJson<GradedExam>(input.gradedKey)]);
  const diagnosis = diagnose(template, graded);
  const diagnosisKey = await store.putJson(examKeys(input.examId).diagnosis, diagnosis);
  return { diagnosisKey, weakPoints: diagnosis.weakPoints.length };
}
