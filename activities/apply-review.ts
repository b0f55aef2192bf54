import type { GradedExam } from '../domain/grade';
import { applyDecisions } from '../domain/review';
import type { Decision, ReviewItem } from '../domain/review-decisions';
import type { Template } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';
import type { ActivityDeps } from './deps';

export interface ApplyReviewInput {
  examId: string;
  templateKey: string;
  gradedKey: string;
  items: ReviewItem[];
  /** every decision made; items without one keep the machine's reading, marked unreviewed */
  decisions: Decision[];
}

/** The exam regraded with the teacher's decisions, under its own key (the machine's grading stays). */
export async function applyReview(
  { store }: Pick<ActivityDeps, 'store'>,
  input: ApplyReviewInput,
): Promise<{ gradedKey: string; score: number; fullScore: number }> {
  const [template, graded] = await Promise.all([store.getJson<Template>(input.templateKey), store.getJson<GradedExam>(input.gradedKey)]);
  const reviewed = applyDecisions(template, graded, input.items, input.decisions);
  const gradedKey = await store.putJson(examKeys(input.examId).reviewed, reviewed);
  return { gradedKey, score: reviewed.score, fullScore: reviewed.fullScore };
}
