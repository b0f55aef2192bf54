import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { BAD_INPUT } from '../domain/bad-input';

// The one table of retry and timeout policies, per activity. Nothing else in the code
// base sets a timeout or a retry on an activity. Each retry is one of the named profiles below.

/** A step on the exam's own data (reading, diagnosis, report): five tries over about a minute. */
const fiveTries = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 5,
} satisfies RetryPolicy;
/** A quick step (parse, grade): three tries within half a minute. */
const threeQuickTries = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 3,
} satisfies RetryPolicy;
/** A teacher's decision or correction applied: five quick tries. */
const fiveQuickTries = { ...threeQuickTries, maximumAttempts: 5 } satisfies RetryPolicy;
/** Best effort after a cancellation: three tries within ten seconds. */
const bestEffort = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '10 seconds',
  maximumAttempts: 3,
} satisfies RetryPolicy;
/** Housekeeping in bounded batches: five tries, five seconds to a minute apart. */
const housekeeping = {
  initialInterval: '5 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 5,
} satisfies RetryPolicy;
/** A database that is down for a while (restart, failover) must not lose a write: a day, at most a minute apart. */
const untilTheDatabaseIsBack = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 2000,
} satisfies RetryPolicy;
/** A school's endpoint may be down for a while: about a day, at most half an hour apart. */
const untilTheReceiverIsBack = {
  initialInterval: '5 seconds',
  backoffCoefficient: 2,
  maximumInterval: '30 minutes',
  maximumAttempts: 60,
} satisfies RetryPolicy;

/**
 * Bad input (unreadable page, template/paper mismatch; domain/bad-input.ts) never retries: the
 * teacher must fix the upload, and retrying would only delay the message.
 */
const exceptBadInput = <R extends RetryPolicy>(retry: R) => ({ ...retry, nonRetryableErrorTypes: [BAD_INPUT] });

// A write to the records database.
const patientRecordWrite = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: untilTheDatabaseIsBack,
} satisfies ActivityOptions;

export const activityPolicies = {
  ocrPage: {
    startToCloseTimeout: '3 minutes',
    scheduleToCloseTimeout: '30 minutes',
    heartbeatTimeout: '30 seconds',
    retry: exceptBadInput(fiveTries),
  },
  // The first page of an exam submitted with a templateId, looked at for a sheet code: a decode
  // and a pattern check (~50 ms), queued with the reading, so it may wait as long as a page.
  identifySheet: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '30 minutes',
    retry: exceptBadInput(fiveTries),
  },
  // One answer-sheet page: marks in well under a second, a few boxes by OCR; CPU-bound like OCR.
  readSheetPage: {
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '20 minutes',
    heartbeatTimeout: '30 seconds',
    retry: exceptBadInput(fiveTries),
  },
  parseExam: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: exceptBadInput(threeQuickTries),
  },
  analyzeAnswers: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: exceptBadInput(threeQuickTries),
  },
  diagnoseExam: {
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '15 minutes',
    retry: exceptBadInput(fiveTries),
  },
  renderReport: {
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '15 minutes',
    retry: exceptBadInput(fiveTries),
  },
  // Teacher review: the waiting items and their answer regions (a sheet page registered once
  // per page, well under a second each), and the exam regraded with the decisions.
  prepareReview: {
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '15 minutes',
    retry: exceptBadInput(fiveTries),
  },
  applyReview: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: exceptBadInput(fiveQuickTries),
  },
  // A teacher's correction of a completed exam: regrade one answer (the result is small).
  correctExam: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '10 minutes',
    retry: exceptBadInput(fiveQuickTries),
  },
  // Cleanup after a cancelled exam; best effort, never blocks the cancellation for long.
  cleanupExam: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '2 minutes',
    retry: bestEffort,
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
    retry: housekeeping,
  },
  // A school's endpoint may be down for a while: keep trying for about a day.
  deliverWebhook: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '24 hours',
    retry: { ...untilTheReceiverIsBack, nonRetryableErrorTypes: ['WebhookGone'] },
  },
  // A class's stack: PDF pages rendered and every page looked at (a few hundred ms a page,
  // on the read queue's threads); heartbeats once per page.
  splitBatch: {
    startToCloseTimeout: '20 minutes',
    scheduleToCloseTimeout: '1 hour',
    heartbeatTimeout: '1 minute',
    retry: exceptBadInput(fiveTries),
  },
  // The batch's and its exams' records.
  recordBatch: patientRecordWrite,
  recordBatchExam: patientRecordWrite,
  // The class report: statistics, HTML and a PDF of a few pages in the shared Chromium.
  buildClassReport: {
    startToCloseTimeout: '3 minutes',
    scheduleToCloseTimeout: '20 minutes',
    retry: fiveTries,
  },
} satisfies Record<keyof Activities, ActivityOptions>;
