import type { Template, TemplateQuestion } from './template';
import { roundHalf } from './normalize';

// Marking rules (./template), resolved for one question: the template's rules, then its
// section's (a section's rule wins field by field), then today's defaults.

export interface Marking {
  /** points for a right answer (the question's maximum) */
  correct: number;
  /** points for a wrong answer; negative for negative marking */
  incorrect: number;
  /** points for a blank answer */
  unmarked: number;
  /** points for a `multi` answer whose letters are a proper subset of the key */
  multiPartial: number;
}

/**
 * A partial award: fraction × points rounded to the nearest 0.5, but never the full points
 * (rounding must not turn a partly right answer into a correct one: 0.5 of 0.5 points is 0).
 */
export function partialAward(fraction: number, points: number): number {
  if (fraction >= 1) return points;
  if (fraction <= 0) return 0;
  const rounded = roundHalf(fraction * points);
  return rounded < points ? rounded : Math.max(0, roundHalf(points - 0.5));
}

export function markingFor(template: Pick<Template, 'marking' | 'sections'>, q: Pick<TemplateQuestion, 'points' | 'section'>): Marking {
  const rules = { ...template.marking, ...(q.section ? template.sections?.[q.section]?.marking : undefined) };
  const correct = rules.correct ?? q.points;
  return {
    correct,
    incorrect: rules.incorrect ?? 0,
    unmarked: rules.unmarked ?? 0,
    // Today's rule without a setting: half the points, never the full points.
    multiPartial: Math.min(rules.multiPartial ?? partialAward(0.5, correct), correct),
  };
}
