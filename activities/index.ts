import { analyzeAnswers } from './analyze-answers';
import { applyReview } from './apply-review';
import { cleanupExam } from './cleanup-exam';
import { correctExam, recordCorrection } from './correct-exam';
import { deliverWebhook } from './deliver-webhook';
import { diagnoseExam } from './diagnose-exam';
import { ocrPage } from './ocr-page';
import { parseExam } from './parse-exam';
import { prepareReview } from './prepare-review';
import { purgeExams } from './purge-exams';
import { readSheetPage } from './read-sheet-page';
import { recordExam } from './record-exam';
import { renderReport } from './render-report';

/** Every activity the workers register. Workflows import only the type. */
export const activities = { ocrPage, readSheetPage, parseExam, analyzeAnswers, diagnoseExam, renderReport, cleanupExam, deliverWebhook, recordExam, purgeExams, prepareReview, applyReview, correctExam, recordCorrection };
export type Activities = typeof activities;
