import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CorrectExamInput } from '../activities/correct-exam';
import type { SubmittedStudent } from './definitions';
import { activityPolicies } from './policies';

const { correctExam } = proxyActivities<Activities>(activityPolicies.correctExam);
const { diagnoseExam } = proxyActivities<Activities>(activityPolicies.diagnoseExam);
const { renderReport } = proxyActivities<Activities>(activityPolicies.renderReport);
const { recordCorrection } = proxyActivities<Activities>(activityPolicies.recordCorrection);

export interface CorrectionInput extends CorrectExamInput {
  parsedKey: string;
  student: SubmittedStudent;
}

/**
 * A teacher's correction of a completed exam, run durably: regrade, diagnose and render the
 * report again, then update the record. Workflow id `<examId>/correction`: one at a time per exam.
 */
export async function correctionWorkflow(input: CorrectionInput): Promise<{ score: number; resultKey: string }> {
  const { examId, templateKey } = input;
  const corrected = await correctExam({ examId, templateKey, change: input.change, by: input.by, at: input.at });
  const diagnosis = await diagnoseExam({ examId, templateKey, gradedKey: corrected.gradedKey });
  const report = await renderReport({
    examId,
    templateKey,
    parsedKey: input.parsedKey,
    gradedKey: corrected.gradedKey,
    diagnosisKey: diagnosis.diagnosisKey,
    student: input.student,
  });
  await recordCorrection({ examId, resultKey: report.resultKey });
  return { score: corrected.score, resultKey: report.resultKey };
}
