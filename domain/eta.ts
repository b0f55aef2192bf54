import type { StatusDocument } from './documents';
import { workSteps, type WorkStep } from './exam-states';

// ETA from what this deployment measured (records of recently completed exams) instead of
// a fixed table: mean time per OCR page and per later step, and how fast exams complete,
// which says how long the queue ahead of a waiting exam takes to clear. Pure.

export interface EtaModel {
  /** completed exams the means come from; 0: nothing measured yet */
  samples: number;
  ocrPerPageMs: number;
  stepMs: Record<GradingStep, number>;
  /** exams completed per ms over the recent past; 0 when none */
  throughputPerMs: number;
}

/** The steps after OCR that cost machine time (review waits for a person). */
export type GradingStep = Exclude<WorkStep, 'ocr' | 'review'>;
export const gradingSteps = workSteps.filter((s): s is GradingStep => s !== 'ocr' && s !== 'review');
const laterSteps = gradingSteps;

/** Time still needed by the exam's own steps, from where it stands. */
function ownRemainingMs(model: EtaModel, status: StatusDocument): number {
  const pagesLeft = status.status === 'pending' ? status.pages.total : Math.max(0, status.pages.total - status.pages.processed);
  const current = status.status === 'pending' ? 'ocr' : status.step;
  let remaining = current === 'ocr' ? pagesLeft * model.ocrPerPageMs : 0;
  const from = current === 'ocr' ? 0 : laterSteps.indexOf(current as GradingStep);
  if (from < 0) return remaining;
  for (const step of laterSteps.slice(from)) remaining += model.stepMs[step];
  return remaining;
}

/**
 * The learned ETA of a pending or processing exam; `queueAhead` exams were accepted
 * before it and are not finished. Without measurements the workflow's own estimate stands.
 */
export function estimateEta(model: EtaModel, status: StatusDocument, queueAhead: number): number | null {
  if (model.samples === 0) return status.etaMs;
  const own = ownRemainingMs(model, status);
  if (status.status !== 'pending') return Math.round(own);
  const ownTotal = model.ocrPerPageMs * Math.max(1, status.pages.total) + laterSteps.reduce((s, k) => s + model.stepMs[k], 0);
  const wait = model.throughputPerMs > 0 ? queueAhead / model.throughputPerMs : queueAhead * ownTotal;
  return Math.round(wait + own);
}
