import type { ResultDocument } from '../domain/documents';
import type { GradedExam } from '../domain/grade';
import { correctAnswer } from '../domain/review';
import type { Template } from '../domain/template';
import { BadInputError } from '../domain/bad-input';
import { examKeys } from '../lib/artifacts/artifacts';
import { recordCorrection as writeCorrection } from '../records/exam-writes';
import type { ActivityDeps } from './deps';

export interface CorrectExamInput {
  examId: string;
  templateKey: string;
  change: { number: string; section: string | null; answer?: string; awarded?: number };
  by: string;
  /** when the teacher asked (the API's clock), kept with the correction */
  at: string;
}

/**
 * One answer of a completed exam corrected by a teacher: the exam as it stands (its result)
 * regraded with the change, which is kept with who, when, before and after. Idempotent: a
 * retry after the result was re-rendered finds the correction there already and adds none.
 */
export async function correctExam(
  { store }: Pick<ActivityDeps, 'store'>,
  input: CorrectExamInput,
): Promise<{ gradedKey: string; score: number }> {
  const keys = examKeys(input.examId);
  const [template, result] = await Promise.all([store.getJson<Template>(input.templateKey), store.getJson<ResultDocument>(keys.result)]);
  const current: GradedExam = result;
  const done = result.corrections?.some(
    (c) => c.at === input.at && c.by === input.by && c.number === input.change.number && c.section === input.change.section,
  );
  let corrected: GradedExam;
  try {
    corrected = done ? current : correctAnswer(template, current, { ...input.change, by: input.by, at: input.at });
  } catch (err) {
    throw new BadInputError((err as Error).message);
  }
  const gradedKey = await store.putJson(keys.corrected, corrected);
  return { gradedKey, score: corrected.score };
}

/** The corrected result copied into the exam's record (the record answers every read). */
export async function recordCorrection(
  { store }: Pick<ActivityDeps, 'store'>,
  input: { examId: string; resultKey: string },
): Promise<void> {
  const result = await store.getJson<ResultDocument>(input.resultKey);
  await writeCorrection(input.examId, result);
}
