import type { ParsedExam } from './paper';
import type { Template } from './template';

// Whether a parsed paper was read with enough confidence to be scored. A page of noise, a
// wrong template or a photo of something else can still yield a few "questions" from stray
// digits; scoring those would silently give a student 0. Below these thresholds the exam
// fails with what was found and what to check, instead.

/** At least this share of the template's questions must be found on the paper. */
const MIN_FOUND_SHARE = 0.5;
/** The answers that were found must have been read with at least this mean OCR confidence (0–1). */
const MIN_MEAN_CONFIDENCE = 0.3;

export type PaperVerdict = { readable: true } | { readable: false; reason: string };

export function judgePaper(parsed: ParsedExam, template: Template): PaperVerdict {
  const total = template.questions.length;
  const found = parsed.answers.length;
  const what = `template "${template.id}"`;
  const check =
    'check that the right template was chosen, that every page of the answered exam was uploaded in order, and that the scan is sharp and upright';
  if (found === 0) return { readable: false, reason: `none of the ${total} questions of ${what} was found on the paper: ${check}` };
  const numbers = parsed.answers.map((a) => a.number).join(', ');
  if (found / total < MIN_FOUND_SHARE) {
    return {
      readable: false,
      reason: `only ${found} of the ${total} questions of ${what} ${found === 1 ? 'was' : 'were'} found on the paper (${numbers}), too few to score it with confidence: ${check}`,
    };
  }
  const confidence = parsed.answers.reduce((s, a) => s + a.confidence, 0) / found;
  if (confidence < MIN_MEAN_CONFIDENCE) {
    return {
      readable: false,
      reason: `the ${found} questions of ${what} found on the paper were read with a mean confidence of ${Math.round(confidence * 100)}%, too low to score it: ${check}`,
    };
  }
  return { readable: true };
}
