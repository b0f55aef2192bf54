import type { Activities } from '../../activities';

/** Stand-ins for every activity, so workflow tests steer each path exactly. */
export function fakeActivities(overrides: Partial<Activities> = {}): Activities {
  return {
    identifySheet: async () => ({ sheet: false }),
    ocrPage: async (input) => ({ ocrKey: `ocr/${input.pageIndex}`, confidence: 0.9, characters: 100 }),
    readSheetPage: async (input) => ({ sheetKey: `sheets/${input.pageIndex}`, answers: 10, studentNumber: '20230017' }),
    parseExam: async () => ({ parsedKey: 'parsed', found: 3, missing: 0, studentId: 'S-7' }),
    analyzeAnswers: async () => ({ gradedKey: 'graded', score: 15, fullScore: 20 }),
    diagnoseExam: async () => ({ diagnosisKey: 'diagnosis', weakPoints: 1 }),
    renderReport: async () => ({ resultKey: 'result', reportHtmlKey: 'report.html', reportPdfKey: 'report.pdf' }),
    cleanupExam: async () => ({ removed: 0 }),
    deliverWebhook: async () => ({ delivered: true, status: 200 }),
    recordExam: async () => undefined,
    purgeExams: async () => ({ purged: 0 }),
    prepareReview: async () => ({ items: [] }),
    applyReview: async () => ({ gradedKey: 'reviewed', score: 15, fullScore: 20 }),
    correctExam: async () => ({ gradedKey: 'corrected', score: 14 }),
    recordCorrection: async () => undefined,
    splitBatch: async () => ({ pages: 0, exams: [], skipped: [], unplaced: [] }),
    recordBatch: async () => undefined,
    recordBatchExam: async () => undefined,
    buildClassReport: async () => ({ reportHtmlKey: 'class-report.html', reportPdfKey: 'class-report.pdf' }),
    ...overrides,
  };
}
