import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sheetLayout } from '../../domain/sheet-layout';
import type { Template } from '../../domain/template';
import { pdfChromium } from '../../lib/documents/browser';
import { config } from '../../lib/config';
import { openPdf } from '../../lib/documents/pdf-pages';
import { renderPdf } from '../../lib/documents/report-pdf';
import { scanPages } from '../../lib/documents/pdf-scans';
import { isBlankPage } from '../../reading/blank-page';
import { readAnswerSheet } from '../../reading/sheets/read-sheet';
import { findSheetCode } from '../../reading/sheets/sheet-code';
import { expectedScore, oneSheetTemplate, studentSheets, type StackStudent } from '../../test/fixtures/class-stack';
import { scannedStackPdf } from '../../test/fixtures/scan-pdf';
import { breakdown, breakdownTable, readCosts, timelines } from '../breakdown';
import { stackCpu, stackCpuLine } from '../stack-cpu';
import { cpuMsSince, f2, type BenchContext, type WorkloadResult } from './context';

// A class of one-page answer sheets, filled by the simulated pencil and scanned, bound into ONE
// PDF as a copier sends it and posted once to POST /v1/batches: upload → every exam graded and
// the class report. Raw: reading the same pages without Temporal (PDF render, blank check,
// code, marks) on one thread in this process. Shared with bench/batch.ts.

export interface ClassStack {
  template: Template;
  students: StackStudent[];
  pdf: Buffer;
}

/** The class's PDF is the same for the same seeds: kept in the temp folder between runs. */
export async function classStack(count: number): Promise<ClassStack> {
  const template = oneSheetTemplate();
  const students: StackStudent[] = [];
  for (let i = 0; i < count; i++) students.push(await studentSheets(template, 5000 + i, 'scan'));
  const digest = createHash('sha256')
    .update(JSON.stringify(students.map((x) => x.truth)))
    .digest('hex')
    .slice(0, 16);
  const cached = path.join(os.tmpdir(), `examflow-bench-class-${digest}.pdf`);
  const pdf = existsSync(cached) ? readFileSync(cached) : await scannedStackPdf(students.flatMap((s) => s.pages));
  writeFileSync(cached, pdf);
  return { template, students, pdf };
}

/** The reading engine alone on the same stack, one page after another on one thread. */
export async function rawClassRead(pdf: Buffer, template: Template) {
  const layout = sheetLayout(template);
  const started = Date.now();
  const cpu = process.cpuUsage();
  const file = await openPdf(pdf);
  const pages = await scanPages(file).finally(() => file.dispose());
  const renderMs = Date.now() - started;
  for (const page of pages) {
    if (!(await findSheetCode(page)) && !(await isBlankPage(page))) throw new Error('a sheet without its code');
    await readAnswerSheet(page, layout);
  }
  return { wallMs: Date.now() - started, cpuMs: cpuMsSince(cpu), renderMs, pages: pages.length };
}

/** The other raw part: the exams' own report HTML to PDF in this process, printed as the worker prints them, all queued at once on its page pool. */
async function rawReports(ctx: BenchContext, examIds: string[]) {
  const htmls = await Promise.all(examIds.map((id) => ctx.examflow.getReportHtml(id)));
  const chromium = pdfChromium(config());
  try {
    await renderPdf(chromium, htmls[0]!); // browser launched and fonts loaded, as in a running worker
    const started = Date.now();
    await Promise.all(htmls.map((html) => renderPdf(chromium, html)));
    return { wallMs: Date.now() - started };
  } finally {
    await chromium.close();
  }
}

export async function classBatchWorkload(ctx: BenchContext, stack: ClassStack): Promise<WorkloadResult> {
  await ctx.examflow.createTemplate(stack.template).catch(() => undefined);
  ctx.log(`class batch: raw reading of ${stack.students.length} sheets, then POST /v1/batches`);
  const raw = await rawClassRead(stack.pdf, stack.template);
  const cpuBefore = stackCpu(ctx.stack);
  const started = Date.now();
  const { batchId } = await ctx.examflow.submitClassBatch({ pages: [stack.pdf], name: `${stack.students.length} 人 班级测验 (benchmark)` });
  const final = await ctx.examflow.waitForBatch(batchId, { timeoutMs: 900_000, pollIntervalMs: 250 });
  const wallMs = Date.now() - started;
  const cpu = stackCpuLine(cpuBefore, stackCpu(ctx.stack), wallMs / 1000, stack.students.length);
  if (final.status !== 'completed') throw new Error(`batch ${final.status}: ${final.error}`);
  const expected = new Map(stack.students.map((s) => [s.truth.studentNumber, expectedScore(stack.template, s.truth)]));
  const exact = final.exams.filter((e) => e.studentId !== null && expected.get(e.studentId) === e.score).length;
  const ids = final.exams.map((e) => e.examId);
  ctx.completedIds.push(...ids);
  await new Promise((r) => setTimeout(r, 300));
  const reports = await rawReports(
    ctx,
    final.exams.filter((e) => e.status === 'completed').map((e) => e.examId),
  );
  const rawPartsMs = raw.wallMs + reports.wallMs;
  const rp = rawPartsMs / wallMs;
  const costs = readCosts(ctx.costsFile);
  const [batchTimeline] = await timelines(ctx.temporal, [batchId]);
  const r = raw.wallMs / wallMs;
  ctx.log(
    `   raw reading ${(raw.wallMs / 1000).toFixed(1)} s + reports ${(reports.wallMs / 1000).toFixed(1)} s, batch ${(wallMs / 1000).toFixed(1)} s (${f2(rp)}×), ${exact}/${ids.length} exact`,
  );
  ctx.log(`   ${cpu}`);
  const markdown = `## Class batch (${stack.students.length} scanned one-page answer sheets in one PDF, POST /v1/batches)

| | |
|---|---|
| raw reading without Temporal (one thread: pages out of the PDF, blank check, code, marks) | ${(raw.wallMs / 1000).toFixed(1)} s wall, ${(raw.cpuMs / 1000).toFixed(1)} s CPU |
| raw reports without Temporal (the same ${ids.length} report HTMLs to PDF in this process, printed as the worker prints them, pooled pages) | ${(reports.wallMs / 1000).toFixed(1)} s wall |
| **upload → ${ids.length} graded exams and the class report** | **${(wallMs / 1000).toFixed(1)} s** |
| raw parts (reading + reports) / batch | **${f2(rp)}** |
| raw reading alone / batch | ${f2(r)} |
| exams with the student's number and exact score | ${exact} / ${ids.length} |

${cpu}

The batch workflow's own steps:

${breakdownTable(breakdown([batchTimeline!], costs))}

Its exams (each a child workflow; waiting includes the batch's parallelism limit only once started):

${breakdownTable(breakdown(await timelines(ctx.temporal, ids), costs))}
`;
  return {
    markdown,
    targets: [
      {
        target: `class batch of ${stack.students.length} ≤ 30 s end to end`,
        figure: `${(wallMs / 1000).toFixed(1)} s`,
        met: wallMs <= 30_000,
      },
      { target: 'class batch ≥ 0.5 × its raw parts (reading + reports)', figure: `${f2(rp)} × (reading alone ${f2(r)} ×)`, met: rp >= 0.5 },
    ],
  };
}
