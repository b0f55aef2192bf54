import type { Template } from '../../domain/template';
import { sheetLayout } from '../../domain/sheet-layout';
import { readAnswerSheet } from '../../reading/sheets/read-sheet';
import { findSheetCode } from '../../reading/sheets/sheet-code';
import { oneSheetTemplate, studentSheets } from '../../test/fixtures/class-stack';
import { cpuMsSince, f2, pipelineRun, type BenchContext, type WorkloadResult } from './context';

// Answer sheets submitted one by one (no template id: the code on the sheet names it), as
// flatbed scans and as phone photos. Raw: the reading engine on the same images in this
// process, one after another (find the code, read the marks); pipeline: every sheet at once.

export interface SheetSet {
  template: Template;
  scan: Buffer[];
  photo: Buffer[];
}

export async function sheetSet(count: number): Promise<SheetSet> {
  const template = oneSheetTemplate();
  const scan: Buffer[] = [];
  const photo: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    scan.push((await studentSheets(template, 6000 + i, 'scan')).pages[0]!);
    photo.push((await studentSheets(template, 6500 + i, 'photo')).pages[0]!);
  }
  return { template, scan, photo };
}

async function rawRead(images: Buffer[], template: Template): Promise<{ wallS: number; cpuS: number }> {
  const layout = sheetLayout(template);
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (const image of images) {
    if (!(await findSheetCode(image))) throw new Error('a benchmark sheet without its code');
    await readAnswerSheet(image, layout);
  }
  return { wallS: (performance.now() - t) / 1000, cpuS: cpuMsSince(cpu) / 1000 };
}

export async function sheetsWorkload(ctx: BenchContext, set: SheetSet): Promise<WorkloadResult> {
  await ctx.examflow.createTemplate(set.template).catch(() => undefined);
  const rows: string[] = [];
  const breakdowns: string[] = [];
  const targets = [];
  for (const style of ['scan', 'photo'] as const) {
    const images = set[style];
    ctx.log(`sheets (${style}): raw reading of ${images.length} sheets, then the pipeline with all at once`);
    const raw = await rawRead(images, set.template);
    await pipelineRun(ctx, [{ pages: [images[0]!] }]);
    const pipe = await pipelineRun(
      ctx,
      images.map((image) => ({ pages: [image] })),
    );
    const r = raw.wallS / pipe.s;
    ctx.log(`   raw ${raw.wallS.toFixed(1)} s, pipeline ${pipe.s.toFixed(1)} s (${f2(r)}×)`);
    rows.push(
      `| ${style} | ${images.length} | ${raw.wallS.toFixed(1)} s (CPU ${raw.cpuS.toFixed(1)} s) | ${pipe.s.toFixed(1)} s | **${f2(r)}** | ${pipe.failed} |`,
    );
    breakdowns.push(`Sheets as ${style}s, all at once:\n\n${pipe.breakdown}`);
    targets.push({ target: `answer sheets (${style}): pipeline / raw reading`, figure: `${f2(r)} ×`, met: null });
  }
  const markdown = `## Answer sheets (${set.template.id}, one page each, submitted without a template id)

Raw: the reading engine in this process on one thread (code, marks), sheet after sheet. Pipeline: every sheet
submitted at once through the API: reading, records, parse, grade, diagnose and a PDF report per exam.

| style | sheets | raw reading | pipeline | raw / pipeline | not completed |
|---|---|---|---|---|---|
${rows.join('\n')}

${breakdowns.join('\n\n')}
`;
  return { markdown, targets };
}
