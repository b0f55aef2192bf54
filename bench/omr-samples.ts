import fs from 'node:fs';
import { compareSample, loadSamples, type SampleOutcome } from '../test/fixtures/omrchecker-samples';
import { readLayoutSheet, type LayoutTemplate } from '../reading/sheets/read-layout';

// OMRChecker's public samples read by examflow through imported templates, compared with the
// results OMRChecker recorded for them (answers, roll numbers, scores). Called by bench/sheets.ts;
// `node dist/bench/omr-samples.js` runs it alone.

export interface OmrSamplesReport {
  outcomes: (SampleOutcome & { ms: number; error?: string })[];
  markdown: string;
}

export async function omrSamplesBench(filter?: string): Promise<OmrSamplesReport> {
  const outcomes: OmrSamplesReport['outcomes'] = [];
  for (const sample of loadSamples().filter((s) => !filter || s.name.includes(filter))) {
    const started = Date.now();
    try {
      const reading = await readLayoutSheet(fs.readFileSync(sample.image), sample.template as LayoutTemplate);
      outcomes.push({ ...compareSample(sample, reading), ms: Date.now() - started });
    } catch (err) {
      outcomes.push({
        name: sample.name,
        answers: 0,
        answersSame: 0,
        differences: [],
        studentId: null,
        score: null,
        ms: Date.now() - started,
        error: (err as Error).message,
      });
    }
  }
  return { outcomes, markdown: omrMarkdown(outcomes) };
}

function omrMarkdown(outcomes: OmrSamplesReport['outcomes']): string {
  const answers = outcomes.reduce((s, o) => s + o.answers, 0);
  const same = outcomes.reduce((s, o) => s + o.answersSame, 0);
  const scored = outcomes.filter((o) => o.score);
  const scoresSame = scored.filter((o) => Math.abs(o.score!.read - o.score!.recorded) < 1e-6).length;
  const ids = outcomes.filter((o) => o.studentId);
  const idsSame = ids.filter((o) => (o.studentId!.read ?? '') === o.studentId!.recorded).length;
  const rows = outcomes.map(
    (o) =>
      `| ${o.name} | ${o.error ? `error: ${o.error}` : `${o.answersSame}/${o.answers}`} | ${o.studentId ? `${o.studentId.read ?? '—'} / ${o.studentId.recorded}` : ''} | ${o.score ? `${o.score.read} / ${o.score.recorded}` : ''} | ${o.ms} |`,
  );
  return [
    '## OMRChecker samples',
    '',
    `Answers equal to OMRChecker's recorded results: **${same}/${answers}**; roll numbers ${idsSame}/${ids.length}; scores ${scoresSame}/${scored.length}.`,
    '',
    '| sample | answers same | roll read / recorded | score read / recorded | ms |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (require.main === module) {
  omrSamplesBench(process.argv[2])
    .then((r) => {
      console.log(r.markdown);
      for (const o of r.outcomes) if (o.differences.length) console.log(o.name, o.differences.slice(0, 12).join('; '));
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
