import type { StatusDocument } from './documents';
import { workSteps, type ClosedExamStatus, type ExamStatus, type ExamStep, type WorkStep } from './exam-states';

// Progress and ETA of one exam, kept inside the workflow, and the same document for an exam
// that is waiting or closed. Pure and deterministic: the caller passes the time (workflow
// time inside the workflow, where Date.now() is replay-safe).

/** Share of the whole exam each step stands for; OCR is split evenly over the pages. */
const stepWeights: Record<WorkStep, number> = { ocr: 70, parse: 5, analyze: 5, review: 0, diagnose: 5, report: 15 };
/** Expected cost of each step before anything is measured, in ms. */
// Review waits for a person: it has no expected cost, and while it waits there is no ETA.
const expectedStepMs: Record<WorkStep, number> = { ocr: 4000, parse: 300, analyze: 300, review: 0, diagnose: 300, report: 2000 };
const stepOrder = workSteps;

export interface ExamProgress {
  examId: string;
  status: ExamStatus;
  step: ExamStep;
  createdAt: string;
  startedAtMs: number;
  stepStartedAtMs: number;
  finishedAtMs: number | null;
  pagesTotal: number;
  pagesProcessed: number;
  error: string | null;
  /** while the exam waits for a teacher */
  review?: { items: number; decided: number; deadline: string };
}

export function startProgress(examId: string, createdAt: string, pagesTotal: number, nowMs: number): ExamProgress {
  return {
    examId,
    status: 'processing',
    step: 'ocr',
    createdAt,
    startedAtMs: nowMs,
    stepStartedAtMs: nowMs,
    finishedAtMs: null,
    pagesTotal,
    pagesProcessed: 0,
    error: null,
  };
}

export function enterStep(p: ExamProgress, step: ExamStep, nowMs: number): void {
  p.step = step;
  p.stepStartedAtMs = nowMs;
}

export function finish(p: ExamProgress, status: ClosedExamStatus, nowMs: number, error: string | null = null): void {
  p.status = status;
  p.finishedAtMs = nowMs;
  p.error = error;
  if (status === 'completed') p.step = 'done';
}

function percentDone(p: ExamProgress): number {
  if (p.status === 'completed') return 100;
  let done = 0;
  for (const step of stepOrder) {
    if (step === p.step) {
      if (step === 'ocr' && p.pagesTotal > 0) done += (stepWeights.ocr * p.pagesProcessed) / p.pagesTotal;
      break;
    }
    done += stepWeights[step];
  }
  return Math.round(done * 10) / 10;
}

/** Remaining time: OCR extrapolated from the pages already read, later steps from their expected cost. */
function etaMs(p: ExamProgress, nowMs: number): number | null {
  if (p.status === 'completed') return 0;
  if (p.finishedAtMs !== null || p.step === 'done' || p.status === 'needs_review') return null;
  const current = p.step;
  const inStepMs = nowMs - p.stepStartedAtMs;
  let remaining = 0;
  if (current === 'ocr') {
    const perPage = p.pagesProcessed > 0 ? inStepMs / p.pagesProcessed : expectedStepMs.ocr;
    const left = (p.pagesTotal - p.pagesProcessed) * perPage - (p.pagesProcessed > 0 ? 0 : inStepMs);
    remaining += Math.max(0, left);
  } else {
    remaining += Math.max(0, expectedStepMs[current] - inStepMs);
  }
  for (const step of stepOrder.slice(stepOrder.indexOf(current) + 1)) remaining += expectedStepMs[step];
  return Math.round(remaining);
}

export function statusDocument(p: ExamProgress, nowMs: number): StatusDocument {
  const end = p.finishedAtMs ?? nowMs;
  return {
    examId: p.examId,
    status: p.status,
    step: p.step,
    progress: percentDone(p),
    pages: { total: p.pagesTotal, processed: p.pagesProcessed },
    createdAt: p.createdAt,
    startedAt: new Date(p.startedAtMs).toISOString(),
    finishedAt: p.finishedAtMs === null ? null : new Date(p.finishedAtMs).toISOString(),
    elapsedMs: Math.max(0, end - Date.parse(p.createdAt)),
    etaMs: etaMs(p, nowMs),
    error: p.error,
    ...(p.status === 'needs_review' && p.review ? { review: { ...p.review } } : {}),
  };
}

/** What the API records in the workflow memo at start, for reading closed exams. */
export interface ExamMemo {
  createdAt: string;
  pages: number;
}

/** The status of a closed workflow, by Temporal's name of how it closed. */
const closedStatus: Record<string, ClosedExamStatus> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  TERMINATED: 'failed',
  TIMED_OUT: 'failed',
  CANCELLED: 'cancelled',
};

export interface ClosedRun {
  examId: string;
  /** Temporal's name of how the workflow closed: COMPLETED, FAILED, … */
  closedAs: string;
  /** the last step its search attributes name */
  lastStep: ExamStep;
  memo: ExamMemo;
  startedAtMs: number;
  closedAtMs: number;
  /** the failure message, when it failed */
  error: string | null;
}

export const closedRunStatus = (closedAs: string) => closedStatus[closedAs] ?? 'failed';

/** The status document of an exam whose workflow has closed, from its description alone. */
export function closedStatusDocument(run: ClosedRun): StatusDocument {
  const status = closedRunStatus(run.closedAs);
  const progress: ExamProgress = {
    examId: run.examId,
    status,
    step: status === 'completed' ? 'done' : run.lastStep,
    createdAt: run.memo.createdAt,
    startedAtMs: run.startedAtMs,
    stepStartedAtMs: run.closedAtMs,
    finishedAtMs: run.closedAtMs,
    pagesTotal: run.memo.pages,
    pagesProcessed: status === 'completed' || run.lastStep !== 'ocr' ? run.memo.pages : 0,
    error: status === 'failed' ? run.error : null,
  };
  return statusDocument(progress, run.closedAtMs);
}

/** An exam no worker has picked up yet. */
export function pendingStatusDocument(examId: string, memo: ExamMemo, nowMs: number): StatusDocument {
  return {
    examId,
    status: 'pending',
    step: 'ocr',
    progress: 0,
    pages: { total: memo.pages, processed: 0 },
    createdAt: memo.createdAt,
    startedAt: null,
    finishedAt: null,
    elapsedMs: Math.max(0, nowMs - Date.parse(memo.createdAt)),
    etaMs: null,
    error: null,
  };
}
