import type { Template } from '../../domain/template';
import { config } from '../../lib/config';
import { createActivityDeps } from '../../worker/activity-deps';
import { chooseAnswers } from '../../test/fixtures/answers';
import { degradePage } from '../../test/fixtures/degrade';
import { renderExamPaper } from '../../test/fixtures/generator';
import { loadTemplates } from '../accuracy-corpus';
import { f2, pipelineRun, seconds, type BenchContext, type WorkloadResult } from './context';

// Printed papers like the held-out set: Chinese and English exams of every subject, one and
// two pages, some degraded into scans, with seeds the accuracy corpus does not use. The raw
// recogniser reads all their pages at once in this process (bare: no clean-up, no second
// reading; and the reading engine as the worker runs it); the pipeline grades the same exams.

const SET: { file: string; pages: number; scanned: boolean }[] = [
  { file: 'zh-math.json', pages: 1, scanned: false },
  { file: 'en-english.json', pages: 2, scanned: true },
  { file: 'zh-physics.json', pages: 1, scanned: false },
  { file: 'zh-chinese.json', pages: 2, scanned: false },
  { file: 'en-science.json', pages: 1, scanned: false },
  { file: 'zh-math.json', pages: 1, scanned: true },
];

export interface HeldOutExam {
  template: Template;
  pages: Buffer[];
  scanned: boolean;
}

export async function heldOutExams(count: number): Promise<HeldOutExam[]> {
  const templates = new Map(
    loadTemplates().map((t, i) => [['zh-math.json', 'zh-physics.json', 'zh-chinese.json', 'en-english.json', 'en-science.json'][i]!, t]),
  );
  const out: HeldOutExam[] = [];
  for (let i = 0; i < count; i++) {
    const spec = SET[i % SET.length]!;
    const template = templates.get(spec.file)!;
    const seed = 7000 + i;
    const zh = template.language !== 'en';
    const student = zh ? { name: '周晓', class: '八(4)班', id: `2023${7000 + i}` } : { name: 'Amy Lin', class: '7C', id: `S${7000 + i}` };
    const paper = await renderExamPaper({ template, student, answers: chooseAnswers(template, i % 3, seed), pages: spec.pages, seed });
    const pages = spec.scanned
      ? await Promise.all(paper.pages.map(async (p, k) => (await degradePage(p, seed * 10 + k)).image))
      : paper.pages;
    out.push({ template, pages, scanned: spec.scanned });
  }
  return out;
}

export async function heldOutWorkload(ctx: BenchContext, exams: HeldOutExam[]): Promise<WorkloadResult> {
  for (const t of new Map(exams.map((e) => [e.template.id, e.template])).values())
    await ctx.examflow.createTemplate(t).catch(() => undefined);
  const all = exams.flatMap((e) => e.pages.map((page) => ({ page, language: e.template.language })));
  const languages = [...new Set(all.map((p) => p.language))];
  ctx.log(
    `held-out: ${exams.length} exams, ${all.length} pages (${exams.filter((e) => e.scanned).length} exams scanned); raw readings first`,
  );
  const { ocr } = createActivityDeps(config());
  await ocr.prewarm(languages);
  // The bare recogniser reads a page as an answer box is read: upright and grey, no clean-up, no second reading.
  const bare = (page: Buffer, language: (typeof languages)[number]) => ocr.recognizeBox(page, language, 'block');
  // One page of each language read both ways first: recognisers' first pages are slower.
  for (const language of languages) {
    const first = all.find((p) => p.language === language)!.page;
    await Promise.all([bare(first, language), ocr.recognizePage(first, language)]);
  }
  const bareS = await seconds(() => Promise.all(all.map((p) => bare(p.page, p.language))));
  const engineS = await seconds(() => Promise.all(all.map((p, i) => ocr.recognizePage(p.page, p.language, undefined, i + 1))));
  await ocr.terminate();
  ctx.log('held-out: pipeline, one warm-up exam per language, then every exam at once');
  await pipelineRun(
    ctx,
    [exams.find((e) => e.template.language === 'en'), exams.find((e) => e.template.language !== 'en')]
      .filter((e) => e !== undefined)
      .map((e) => ({ templateId: e.template.id, pages: e.pages.slice(0, 1) })),
  );
  const pipe = await pipelineRun(
    ctx,
    exams.map((e) => ({ templateId: e.template.id, pages: e.pages })),
  );
  const r = bareS / pipe.s;
  ctx.log(
    `   bare recogniser ${bareS.toFixed(1)} s, reading engine ${engineS.toFixed(1)} s, pipeline ${pipe.s.toFixed(1)} s (${f2(r)}× bare)`,
  );
  const markdown = `## Printed papers like the held-out set (${exams.length} exams, ${all.length} pages, Chinese and English, ${exams.filter((e) => e.scanned).length} scanned)

| | time | pages/s | pipeline / this |
|---|---|---|---|
| raw recogniser, bare (tesseract.js, ${ctx.ocrWorkers} per language, no clean-up, no second reading), all pages at once | ${bareS.toFixed(1)} s | ${(all.length / bareS).toFixed(3)} | **${f2(r)}** |
| raw reading engine (\`recognizePage\` as the worker calls it: clean-up, page, second reading of doubtful lines) | ${engineS.toFixed(1)} s | ${(all.length / engineS).toFixed(3)} | ${f2(engineS / pipe.s)} |
| whole pipeline, every exam submitted at once | ${pipe.s.toFixed(1)} s | ${(all.length / pipe.s).toFixed(3)} | |
${pipe.failed ? `\n${pipe.failed} pipeline exams did not complete.\n` : ''}
Where the time of those exams went:

${pipe.breakdown}
`;
  return {
    markdown,
    targets: [{ target: 'printed (held-out-like set): pipeline ≥ 0.7 × raw recogniser', figure: `${f2(r)} ×`, met: r >= 0.7 }],
  };
}
