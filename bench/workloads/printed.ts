import { config } from '../../lib/config';
import { createActivityDeps } from '../../worker/activity-deps';
import { fmtMs, renderPages } from '../../scripts/loadtest/lib';
import { rawStepCosts, type StepCosts } from '../raw-steps';
import { pct } from '../results';
import { breakdownOf, f2, pipelineRun, seconds, type BenchContext, type WorkloadResult } from './context';

// Printed papers, today's set: one-page English exams all at once against the raw recogniser
// on the same pages, and exams one at a time on an idle system against the raw cost of their
// steps (the same activity functions called in this process, no Temporal).

export async function printedPages(ctx: BenchContext) {
  const { en, science } = ctx.templates;
  const onePagers: Buffer[] = [];
  for (let i = 0; i < ctx.counts.ocrPages; i++) onePagers.push((await renderPages(en, 1, 100 + i))[0]!);
  return { onePagers, fourPages: await renderPages(science, 4, 42) };
}

export async function printedWorkload(ctx: BenchContext, pages: Awaited<ReturnType<typeof printedPages>>): Promise<WorkloadResult> {
  const { en, science } = ctx.templates;
  const { onePagers, fourPages } = pages;
  const n = onePagers.length;
  ctx.log(`printed: raw recognizePage, ${ctx.ocrWorkers} recognisers loaded, then ${n} pages`);
  // This process's own activities and recognisers (raw costs), built as a worker builds them.
  const raw = createActivityDeps(config());
  await raw.ocr.prewarm([en.language]);
  const rawS = await seconds(() => Promise.all(onePagers.map((png, i) => raw.ocr.recognizePage(png, en.language, undefined, i + 1))));
  await raw.ocr.terminate();
  ctx.log('printed: pipeline, one warm-up exam, then the same pages as one-page exams, all at once');
  await pipelineRun(ctx, [{ templateId: en.id, pages: [onePagers[0]!] }]);
  const pipe = await pipelineRun(
    ctx,
    onePagers.map((p) => ({ templateId: en.id, pages: [p] })),
  );
  const r = rawS / pipe.s;
  ctx.log(`   raw ${(n / rawS).toFixed(3)} pages/s, pipeline ${(n / pipe.s).toFixed(3)} pages/s (${f2(r)}×)`);

  ctx.log(`printed: ${ctx.counts.e2e1} one-page, ${ctx.counts.e2e4} four-page exams one at a time`);
  const one = await oneAtATime(
    ctx,
    en.id,
    Array.from({ length: ctx.counts.e2e1 }, (_, i) => [onePagers[i % n]!]),
  );
  const four = await oneAtATime(
    ctx,
    science.id,
    Array.from({ length: ctx.counts.e2e4 }, () => fourPages),
  );
  ctx.log('printed: raw step costs in this process (activities called directly, no Temporal)');
  await raw.ocr.prewarm([en.language]);
  const steps1: StepCosts[] = [];
  const steps4: StepCosts[] = [];
  for (let i = 0; i < Math.min(3, ctx.counts.e2e1); i++) steps1.push(await rawStepCosts(raw.deps, en, [onePagers[i]!]));
  for (let i = 0; i < Math.min(3, ctx.counts.e2e4); i++) steps4.push(await rawStepCosts(raw.deps, science, fourPages));
  await raw.close();
  const s1 = medianSteps(steps1);
  const s4 = medianSteps(steps4);
  const p50 = pct(one.ms, 0.5);
  const markdown = `## Printed papers (${n} one-page English papers of ${en.id}, ${ctx.ocrWorkers} recognisers)

| | time | pages/s |
|---|---|---|
| raw \`recognizePage\` in-process (recognisers loaded first; clean-up and second reading included) | ${rawS.toFixed(1)} s | ${(n / rawS).toFixed(3)} |
| whole pipeline (API → workflow → OCR → parse → grade → diagnose → report), all submitted at once | ${pipe.s.toFixed(1)} s | ${(n / pipe.s).toFixed(3)} |
| pipeline / raw | | **${f2(r)}** |
${pipe.failed ? `\n${pipe.failed} pipeline exams did not complete.\n` : ''}
Where the time of those ${n} exams went (all at once: waiting is queueing behind each other; CPU is the worker
process's, shared fairly between activities running at the same time; Chromium's own CPU is not in it):

${pipe.breakdown}

### One at a time on an idle system (submit → completed seen by the client)

Raw steps: the same activity functions called in this process without Temporal (pages in parallel as the workflow
reads them), median of up to 3 runs, ms: OCR + parse + analyze + diagnose + report.

| exam | n | p50 | p95 | raw steps | overhead (p50 − raw) |
|---|---|---|---|---|---|
${stepRow(`1 page (${en.id})`, one.ms, s1)}
${stepRow(`4 pages (${science.id})`, four.ms, s4)}

One-page exams, one at a time:

${one.breakdown}

Four-page exams, one at a time:

${four.breakdown}
`;
  return {
    markdown,
    targets: [
      { target: "printed (today's set): pipeline ≥ 0.85 × raw recogniser", figure: `${f2(r)} ×`, met: r >= 0.85 },
      { target: '1-page exam end to end p50 ≤ 3 s, idle', figure: fmtMs(p50), met: p50 <= 3000 },
    ],
  };
}

async function oneAtATime(ctx: BenchContext, templateId: string, exams: Buffer[][]): Promise<{ ms: number[]; breakdown: string }> {
  const ms: number[] = [];
  const ids: string[] = [];
  for (const pages of exams) {
    const t = performance.now();
    const { examId } = await ctx.examflow.submitExam({ templateId, pages });
    const final = await ctx.examflow.waitFor(examId, { timeoutMs: 10 * 60_000 });
    if (final.status !== 'completed') throw new Error(`exam ${examId} ended ${final.status}: ${final.error ?? ''}`);
    ms.push(performance.now() - t);
    ids.push(examId);
  }
  ctx.completedIds.push(...ids);
  return { ms, breakdown: await breakdownOf(ctx, ids) };
}

function medianSteps(xs: StepCosts[]): StepCosts {
  return Object.fromEntries(
    Object.keys(xs[0]!).map((k) => [
      k,
      pct(
        xs.map((x) => x[k as keyof StepCosts]),
        0.5,
      ),
    ]),
  ) as unknown as StepCosts;
}

const stepRow = (name: string, e2e: number[], s: StepCosts) =>
  `| ${name} | ${e2e.length} | ${fmtMs(pct(e2e, 0.5))} | ${fmtMs(pct(e2e, 0.95))} | ${s.ocr.toFixed(0)} + ${s.parse.toFixed(0)} + ${s.analyze.toFixed(0)} + ` +
  `${s.diagnose.toFixed(0)} + ${s.report.toFixed(0)} = ${fmtMs(s.total)} | ${fmtMs(pct(e2e, 0.5) - s.total)} |`;
