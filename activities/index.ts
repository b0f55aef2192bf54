import { analyzeAnswers } from './analyze-answers';
import { diagnoseExam } from './diagnose-exam';
import { ocrPage } from './ocr-page';
import { parseExam } from './parse-exam';
import { renderReport } from './render-report';

/** Every activity the workers register. Workflows import only the type. */
export const activities = { ocrPage, parseExam, analyzeAnswers, diagnoseExam, renderReport };
export type Activities = typeof activities;
