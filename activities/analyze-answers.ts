import { gradeExam, type GradedExam } from '../domain/grade';
import type { ParsedExam } from '../domain/paper';
import type { Template } from '../domain/template';
import { artifacts, examKeys } from '../lib/artifacts';

export interface AnalyzeAnswersInput {
  examId: string;
  templateKey: string;
  parsedKey: string;
}

/** Grades the parsed answers against the answer key. */
export async function analyzeAnswers(input: AnalyzeAnswersInput): Promise<{ gradedKey: string; score: number; fullScore: number }> {
  const store = artifacts();
  const [template, parsed] = await Promise.all([store.getJson<Template>(input.templateKey), store.getJson<ParsedExam>(input.parsedKey)]);
  const graded: GradedExam = gradeExam(template, parsed);
  const gradedKey = await store.putJson(examKeys(input.examId).graded, graded);
  return { gradedKey, score: graded.score, fullScore: graded.fullScore };
}
