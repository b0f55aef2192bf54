import { analyzeAnswers } from './analyze-answers';
import { applyReview } from './apply-review';
import { buildClassReport } from './class-report';
import { cleanupExam } from './cleanup-exam';
import { correctExam, recordCorrection } from './correct-exam';
import { deliverWebhook } from './deliver-webhook';
import { diagnoseExam } from './diagnose-exam';
import { ocrPage } from './ocr-page';
import { parseExam } from './parse-exam';
import { prepareReview } from './prepare-review';
import { purgeExams } from './purge-exams';
import { readSheetPage } from './read-sheet-page';
import { recordBatch, recordBatchExam } from './record-batch';
import { recordExam } from './record-exam';
import { renderReport } from './render-report';
import { splitBatch } from './split-batch';

/** Every activity the workers register. Workflows import only the type. */
export const activities = {
  ocrPage, readSheetPage, parseExam, analyzeAnswers, diagnoseExam, renderReport, cleanupExam, deliverWebhook, recordExam, purgeExams,
  prepareReview, applyReview, correctExam, recordCorrection,
  splitBatch, recordBatch, recordBatchExam, buildClassReport,
};
export type Activities = typeof activities;
