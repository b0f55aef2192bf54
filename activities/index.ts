import { ApplicationFailure } from '@temporalio/activity';
import { BAD_INPUT, BadInputError } from '../domain/bad-input';
import { analyzeAnswers } from './analyze-answers';
import { applyReview } from './apply-review';
import { buildClassReport } from './class-report';
import { cleanupExam } from './cleanup-exam';
import { correctExam, recordCorrection } from './correct-exam';
import type { ActivityDeps } from './deps';
import { deliverWebhook } from './deliver-webhook';
import { diagnoseExam } from './diagnose-exam';
import { identifySheet } from './identify-sheet';
import { ocrPage } from './ocr-page';
import { parseExam } from './parse-exam';
import { prepareReview } from './prepare-review';
import { purgeExams } from './purge-exams';
import { readSheetPage } from './read-sheet-page';
import { recordBatch, recordBatchExam } from './record-batch';
import { recordExam } from './record-exam';
import { renderReport } from './render-report';
import { splitBatch } from './split-batch';

export type { ActivityDeps } from './deps';

/**
 * Every activity the workers register, over the dependencies they are given (the Temporal
 * samples' dependency injection). Workflows import only the type.
 */
export function createActivities(deps: ActivityDeps) {
  // Each activity is one of these functions with its dependencies bound; bad input thrown
  // anywhere below it becomes the one non-retryable failure type the policy table lists.
  const bind =
    <I, O>(activity: (deps: ActivityDeps, input: I) => Promise<O>) =>
    async (input: I): Promise<O> => {
      try {
        return await activity(deps, input);
      } catch (err) {
        if (err instanceof BadInputError) throw ApplicationFailure.nonRetryable(err.message, BAD_INPUT);
        throw err;
      }
    };
  return {
    identifySheet: bind(identifySheet),
    ocrPage: bind(ocrPage),
    readSheetPage: bind(readSheetPage),
    parseExam: bind(parseExam),
    analyzeAnswers: bind(analyzeAnswers),
    diagnoseExam: bind(diagnoseExam),
    renderReport: bind(renderReport),
    cleanupExam: bind(cleanupExam),
    deliverWebhook: bind(deliverWebhook),
    recordExam: bind(recordExam),
    purgeExams: bind(purgeExams),
    prepareReview: bind(prepareReview),
    applyReview: bind(applyReview),
    correctExam: bind(correctExam),
    recordCorrection: bind(recordCorrection),
    splitBatch: bind(splitBatch),
    recordBatch: bind(recordBatch),
    recordBatchExam: bind(recordBatchExam),
    buildClassReport: bind(buildClassReport),
  };
}

export type Activities = ReturnType<typeof createActivities>;
