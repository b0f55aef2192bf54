import './env';
// The tesseract.js rows are tesseract.js throughout: its own second reader and line reader.
process.env.EXAMFLOW_OCR_LINE_READER = 'tesseract';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { TemplateLanguage } from '../domain/template';
import { closeSharedBrowser } from '../lib/documents/browser';
import { OcrEngine } from '../reading/ocr/ocr-engine';
import { closePpocr, readLinePpocr, readPagePpocr } from '../reading/ocr/ppocr';
import { PreprocessPool } from '../reading/preprocess/preprocess-pool';
import { config } from '../lib/config';
import { rng } from '../test/fixtures/generator';
import { benchExam, loadTemplates } from './accuracy-corpus';
import { addCer, type CerTally } from './accuracy-metrics';
import { rss } from './process-memory';

// npm run bench:ppocr [-- --exams 8 --lines 60 --out bench/PPOCR.md]
// PP-OCRv4 (reading/ocr/ppocr.ts) against tesseract.js on the same inputs, one read at a time
// in this process: synthetic exam pages of every template (Chinese and English, every other one
// degraded into a scan), and cut-out answer lines (what a fill box or a doubtful line is).
// Character error rate against what was rendered, and CPU seconds (this process, all threads).

const { values } = parseArgs({
  options: { exams: { type: 'string', default: '8' }, lines: { type: 'string', default: '60' }, out: { type: 'string' } },
});

interface Tally extends CerTally {
  cpuMs: number;
  n: number;
}
const tally = (): Tally => ({ errors: 0, chars: 0, cpuMs: 0, n: 0 });
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(t: Tally, truth: string, read: () => Promise<string>): Promise<void> {
  const c = cpuNow();
  const text = await read();
  t.cpuMs += cpuNow() - c;
  t.n++;
  addCer(t, text, truth);
}

const ANSWERS = [
  'B',
  'AC',
  'D',
  '对',
  '错',
  '√',
  '×',
  'T',
  'F',
  '5',
  '1/2',
  'y=2x+1',
  '√3',
  'a²+b²=c²',
  '勾股定理',
  '直角三角形',
  '全等',
  'SAS',
  'k=-2',
  '3.14',
  '光合作用',
  'photosynthesis',
  'evaporation',
  'condensation',
  'The cat sat on the mat.',
  '斜率为负',
  '二次根式',
  '12 cm',
  '45°',
  '因为AB=AC，所以∠B=∠C',
];

/** One answer written in a box: a line of text on white, some blurred and speckled like a scan. */
async function answerLine(i: number): Promise<{ png: Buffer; truth: string; language: TemplateLanguage }> {
  const rand = rng(9000 + i);
  const truth = ANSWERS[i % ANSWERS.length]!;
  const zh = /[\u4e00-\u9fff]/.test(truth);
  const size = 18 + Math.floor(rand() * 10);
  const font = ['Noto Sans CJK SC', 'Noto Serif CJK SC', 'AR PL KaitiM GB'][i % 3]!;
  const width = Math.ceil(size * 1.1 * [...truth].length + 40);
  const escaped = truth.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${size * 2}"><rect width="100%" height="100%" fill="#fff"/>` +
    `<text x="16" y="${size * 1.4}" font-size="${size}" font-family="${font}" fill="#222">${escaped}</text></svg>`;
  let img = sharp(Buffer.from(svg)).greyscale();
  if (i % 2 === 1) img = img.blur(0.6 + rand() * 0.6);
  return { png: await img.png().toBuffer(), truth, language: zh ? 'zh' : 'en' };
}

async function main(): Promise<void> {
  const templates = loadTemplates();
  const pages: { page: Buffer; truth: string; language: TemplateLanguage; scanned: boolean }[] = [];
  for (let i = 0; i < Number(values.exams); i++) {
    const exam = await benchExam(200 + i, templates);
    exam.pages.forEach((page, k) =>
      pages.push({ page, truth: exam.pageTexts[k]!, language: exam.template.language, scanned: exam.scanned }),
    );
  }
  await closeSharedBrowser();
  const lines = await Promise.all(Array.from({ length: Number(values.lines) }, (_, i) => answerLine(i)));
  console.log(`${pages.length} pages, ${lines.length} answer lines`);

  const t = { tessClean: tally(), tessScan: tally(), ppClean: tally(), ppScan: tally(), tessLine: tally(), ppLine: tally() };
  // tesseract.js as the worker runs it (clean-up, page, second reading with its larger model).
  const ocr = new OcrEngine({ workers: 1, dataDir: config().EXAMFLOW_DATA_DIR, lineReader: 'tesseract' });
  const preprocess = new PreprocessPool(1);
  // Warm both (models loaded, first runs) before anything is timed.
  await ocr.recognizePage(pages[0]!.page, 'zh');
  await ocr.recognizePage(pages.find((p) => p.language === 'en')!.page, 'en');
  await readPagePpocr(await preprocess.run(pages[0]!.page, 'warm-up'));
  let peak = 0;
  for (const p of pages) {
    const grey = await preprocess.run(p.page, 'page'); // the same clean-up for both
    await measure(p.scanned ? t.tessScan : t.tessClean, p.truth, async () => (await ocr.recognizePage(p.page, p.language)).text);
    await measure(p.scanned ? t.ppScan : t.ppClean, p.truth, async () => (await readPagePpocr(grey)).map((l) => l.text).join('\n'));
    peak = Math.max(peak, rss(process.pid).own);
  }
  for (const l of lines) {
    await measure(t.tessLine, l.truth, async () => (await ocr.recognizeBox(l.png, l.language, 'line')).text);
    await measure(t.ppLine, l.truth, async () => (await readLinePpocr(l.png)).text);
  }
  peak = Math.max(peak, rss(process.pid).own);
  await ocr.terminate();
  await preprocess.close();
  await closePpocr();
  const row = (name: string, x: Tally, per: string) =>
    `| ${name} | ${x.n} | ${((100 * x.errors) / Math.max(1, x.chars)).toFixed(2)} % | ${(x.cpuMs / 1000 / Math.max(1, x.n)).toFixed(per === 'page' ? 2 : 3)} s |`;
  const md = `# PP-OCRv4 against tesseract.js (\`npm run bench:ppocr\`, ${new Date().toISOString()})

One read at a time in one process; CPU of the whole process (all threads) per ${'read'}. tesseract.js: the reading engine
(\`recognizePage\`: page model 4.0.0_best_int, second reading of doubtful lines with 4.0.0) and, for cut-out lines, the
single-line reader (\`recognizeBox(…, 'line')\`). PP-OCRv4: \`reading/ocr/ppocr.ts\` on the same cleaned-up page, or the
cut-out line as it is. Pages: the accuracy corpus's generator (exams 200–${199 + Number(values.exams)}), every other exam
degraded into a scan. Lines: ${lines.length} printed answers in three typefaces, every other one blurred. Peak RSS of
the process with both loaded: ${(peak / 2 ** 20).toFixed(0)} MB.

| reader, input | n | CER | CPU per read |
|---|---|---|---|
${row('tesseract.js, clean pages', t.tessClean, 'page')}
${row('PP-OCRv4, clean pages', t.ppClean, 'page')}
${row('tesseract.js, scanned pages', t.tessScan, 'page')}
${row('PP-OCRv4, scanned pages', t.ppScan, 'page')}
${row('tesseract.js, answer lines', t.tessLine, 'line')}
${row('PP-OCRv4, answer lines', t.ppLine, 'line')}
`;
  console.log(md);
  if (values.out) writeFileSync(values.out, md);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
