import type { QuestionType } from '../domain/template';
import type { CerTally } from './accuracy-metrics';

// Tallies of one set (clean or scanned) and the Markdown table the benchmark prints.

export interface SetTally {
  exams: number;
  failed: number;
  pages: number;
  answers: number;
  answersRight: number;
  exactScores: number;
  absScoreError: number;
  cer: CerTally;
  rawCer: CerTally;
  rawPages: number;
  byType: Record<QuestionType, { right: number; total: number }>;
}

export function emptyTally(): SetTally {
  const byType = {
    choice: { right: 0, total: 0 },
    multi: { right: 0, total: 0 },
    truefalse: { right: 0, total: 0 },
    fill: { right: 0, total: 0 },
    open: { right: 0, total: 0 },
  };
  return {
    exams: 0,
    failed: 0,
    pages: 0,
    answers: 0,
    answersRight: 0,
    exactScores: 0,
    absScoreError: 0,
    cer: { errors: 0, chars: 0 },
    rawCer: { errors: 0, chars: 0 },
    rawPages: 0,
    byType,
  };
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');
const rate = (t: CerTally) => (t.chars ? `${((100 * t.errors) / t.chars).toFixed(2)}%` : 'n/a');

export function accuracyTable(sets: { name: string; tally: SetTally; target: { answers: number; exact: number } }[]): string {
  const rows = [
    '| set | exams (failed) | pages | answers right | exact scores | mean abs. score error | OCR CER, pipeline | OCR CER, raw recogniser |',
    '|---|---|---|---|---|---|---|---|',
    ...sets
      .map(({ name, tally: t, target }) =>
        [
          name,
          `${t.exams} (${t.failed})`,
          t.pages,
          `${pct(t.answersRight, t.answers)} (${t.answersRight}/${t.answers}; target ≥ ${target.answers}%)`,
          `${pct(t.exactScores, t.exams)} (${t.exactScores}/${t.exams}; target ≥ ${target.exact}%)`,
          (t.exams ? t.absScoreError / t.exams : 0).toFixed(2),
          rate(t.cer),
          `${rate(t.rawCer)}${t.rawPages < t.pages ? ` (${t.rawPages} pages)` : ''}`,
        ].join(' | '),
      )
      .map((r) => `| ${r} |`),
  ];
  const types: QuestionType[] = ['choice', 'multi', 'truefalse', 'fill', 'open'];
  const byType = [
    '',
    `| answers right by type | ${types.join(' | ')} |`,
    `|---|${types.map(() => '---').join('|')}|`,
    ...sets.map(({ name, tally }) => `| ${name} | ${types.map((ty) => pct(tally.byType[ty].right, tally.byType[ty].total)).join(' | ')} |`),
  ];
  return [...rows, ...byType].join('\n');
}

export function meetsTarget(t: SetTally, target: { answers: number; exact: number }): boolean {
  return t.answers > 0 && (100 * t.answersRight) / t.answers >= target.answers && (100 * t.exactScores) / t.exams >= target.exact;
}
