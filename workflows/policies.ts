import type { ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';

// The one table of retry and timeout policies, per activity. Nothing else in the code
// base sets a timeout or a retry on an activity.
// `BadInput` failures (unreadable page, template/paper mismatch) never retry: the teacher
// must fix the upload, and retrying would only delay the message.
const badInput = ['BadInput'];

// A write to the records database. A database that is down for a while (restart, failover)
// must not lose it: keep trying for a day, at most a minute apart.
const patientRecordWrite = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 2000 },
} satisfies ActivityOptions;

export const activityPolicies = {
  ocrPage: {
    startToCloseTimeout: '3 minutes',
    scheduleToCloseTimeout: '30 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: badInput },
  },
  // One answer-sheet page: marks in well under a second, a few boxes by OCR; CPU-bound like OCR.
  readSheetPage: {
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '20 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: badInput },
  },
  parseExam: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3, nonRetryableErrorTypes: badInput },
  },
  analyzeAnswers: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3, nonRetryableErrorTypes: badInput },
  },
  diagnoseExam: {
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '15 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: badInput },
  },
  renderReport: {
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '15 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: badInput },
  },
  // Teacher review: the waiting items and their answer regions (a sheet page registered once
  // per page, well under a second each), and the exam regraded with the decisions.
  prepareReview: {
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '15 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: badInput },
  },
  applyReview: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: badInput },
  },
  // A teacher's correction of a completed exam: regrade one answer (the result is small).
  correctExam: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: badInput },
  },
  // Cleanup after a cancelled exam; best effort, never blocks the cancellation for long.
  cleanupExam: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
  },
  // The exam's record in the database.
  recordExam: patientRecordWrite,
  // The corrected result into the record.
  recordCorrection: patientRecordWrite,
  // One batch of the retention purge; heartbeats once per exam erased.
  purgeExams: {
    startToCloseTimeout: '10 minutes',
    scheduleToCloseTimeout: '1 hour',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  },
  // A school's endpoint may be down for a while: keep trying for about a day.
  deliverWebhook: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '24 hours',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 60, nonRetryableErrorTypes: ['WebhookGone'] },
  },
  // A class's stack: PDF pages rendered and every page looked at (a few hundred ms a page,
  // on the read queue's threads); heartbeats once per page.
  splitBatch: {
    startToCloseTimeout: '20 minutes',
    scheduleToCloseTimeout: '1 hour',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: badInput },
  },
  // The batch's and its exams' records.
  recordBatch: patientRecordWrite,
  recordBatchExam: patientRecordWrite,
  // The class report: statistics, HTML and a PDF of a few pages in the shared Chromium.
  buildClassReport: {
    startToCloseTimeout: '3 minutes',
    scheduleToCloseTimeout: '20 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  },
} satisfies Record<keyof Activities, ActivityOptions>;
