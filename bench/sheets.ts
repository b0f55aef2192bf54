import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { closeSharedBrowser } from '../lib/documents/browser';
import { sheetLayout, type SheetLayout } from '../domain/sheet-layout';
import { questionKey, type Template } from '../domain/template';
import { loadOpenCv } from '../reading/opencv';
import { readAnswerSheet, type SheetReading } from '../reading/sheets/read-sheet';
import { findSheetCode } from '../reading/sheets/sheet-code';
import { filledSheet, randomSheetTruth, type SheetStyle, type SheetTruth } from '../test/fixtures/sheet-filler';
import { quizTemplate, sectionedTemplate } from '../test/fixtures/sheet-templates';
import { sheetsReport, type StyleTally } from './sheets-report';
import { omrSamplesBench } from './omr-samples';
import { tablesBench } from './tables-bench';

// npm run bench:sheets [-- --scan 40 --photo 40 --clean 10 --tables 24 --out bench/SHEETS.md]
// Answer sheets printed by examflow (a 30-question quiz, and every fourth sheet a 2-page
// sectioned exam of 76 questions), filled by a simulated pencil and degraded as flatbed scans and
// phone photos (test/fixtures/sheet-filler.ts), read by the engine without being told the
// template page: the code on each page decides. Then OMRChecker's samples, the handwriting
// test set and generated handwritten answer tables, scanned and photographed (bench/tables-bench.ts).
// Seeds are fixed, so runs are repeatable.

const { values } = parseArgs({
  options: {
    scan: { type: 'string', default: '40' },
    photo: { type: 'string', default: '40' },
    clean: { type: 'string', default: '10' },
    tables: { type: 'string', default: '24' },
    out: { type: 'string', default: 'bench/SHEETS.md' },
    seed: { type: 'string', default: '1000' },
  },
});

function emptyTally(style: SheetStyle): StyleTally {
  return {
    style,
    sheets: 0,
    pages: 0,
    marks: 0,
    marksRight: 0,
    answers: 0,
    answersRight: 0,
    exactSheets: 0,
    numbers: 0,
    numbersRight: 0,
    codes: 0,
    codesRight: 0,
    notFound: 0,
    cpuMs: [],
    wallMs: [],
    decodeCpuMs: [],
    codeCpuMs: [],
    megapixels: [],
    errors: [],
    flaggedErasures: 0,
    erasures: 0,
    flaggedStray: 0,
    strays: 0,
    doubles: 0,
    doublesFlagged: 0,
  };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** Compares one page's reading with the truth, bubble by bubble. */
function score(t: StyleTally, reading: SheetReading, layout: SheetLayout, truth: SheetTruth, seed: number): boolean {
  let exact = true;
  const page = layout.pages[reading.pageIndex]!;
  for (const answer of reading.answers) {
    const key = questionKey(answer);
    const expected = truth.answers[key] ?? null;
    const q = page.questions.find((x) => questionKey(x) === key);
    const labels = q && 'options' in q ? q.options.map((o) => o.label) : [];
    for (const label of labels) {
      t.marks++;
      if ((expected ?? '').includes(label) === (answer.answer ?? '').includes(label)) t.marksRight++;
    }
    t.answers++;
    if (expected === answer.answer) t.answersRight++;
    else {
      exact = false;
      if (t.errors.length < 12)
        t.errors.push(
          `seed ${seed} p${reading.pageIndex + 1} q${key}: ${expected ?? 'blank'} read as ${answer.answer ?? 'blank'} (confidence ${answer.confidence}, ${answer.flags.join('/') || 'no flags'})`,
        );
    }
    if (answer.type === 'choice' && expected && expected.length > 1) {
      t.doubles++;
      if (answer.flags.includes('double')) t.doublesFlagged++;
    }
  }
  if (page.studentNumber) {
    t.numbers++;
    if (reading.studentNumber === truth.studentNumber) t.numbersRight++;
    else {
      exact = false;
      if (t.errors.length < 12) t.errors.push(`seed ${seed}: student number ${truth.studentNumber} read as ${reading.studentNumber}`);
    }
  }
  return exact;
}

async function benchStyle(style: SheetStyle, count: number, firstSeed: number, templates: Template[]): Promise<StyleTally> {
  const t = emptyTally(style);
  for (let i = 0; i < count; i++) {
    const seed = firstSeed + i;
    const template = templates[i % 4 === 3 ? 1 : 0]!;
    const layout = sheetLayout(template);
    const truth = randomSheetTruth(template, seed);
    const { images, extras } = await filledSheet(template, truth, { style, seed });
    let sheetExact = true;
    const flagged = { erased: new Set<string>(), stray: new Set<string>() };
    for (const [pageIndex, image] of images.entries()) {
      t.pages++;
      const meta = await sharp(image).metadata();
      t.megapixels.push(((meta.width ?? 0) * (meta.height ?? 0)) / 1e6);
      // the raw cost of decoding the picture, for the ratio
      let since = process.cpuUsage();
      await sharp(image).raw().toBuffer();
      t.decodeCpuMs.push(cpuMs(since));
      since = process.cpuUsage();
      const code = await findSheetCode(image);
      t.codeCpuMs.push(cpuMs(since));
      t.codes++;
      if (code && code.templateId === template.id && code.pageIndex === pageIndex && code.pageCount === images.length) t.codesRight++;
      since = process.cpuUsage();
      const wall = performance.now();
      let reading: SheetReading;
      try {
        reading = await readAnswerSheet(image, layout);
      } catch (err) {
        t.notFound++;
        sheetExact = false;
        t.errors.push(`seed ${seed} page ${pageIndex + 1}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      t.cpuMs.push(cpuMs(since));
      t.wallMs.push(performance.now() - wall);
      if (reading.pageIndex !== pageIndex) t.errors.push(`seed ${seed}: page ${pageIndex + 1} read as page ${reading.pageIndex + 1}`);
      sheetExact = score(t, reading, layout, truth, seed) && sheetExact && reading.pageIndex === pageIndex;
      for (const a of reading.answers) {
        if (a.flags.includes('erased')) flagged.erased.add(questionKey(a));
        if (a.flags.includes('stray')) flagged.stray.add(questionKey(a));
      }
    }
    t.sheets++;
    if (sheetExact) t.exactSheets++;
    t.erasures += extras.erased.filter((k) => !k.startsWith('#')).length;
    t.flaggedErasures += extras.erased.filter((k) => flagged.erased.has(k)).length;
    t.strays += extras.stray.length;
    t.flaggedStray += extras.stray.filter((k) => flagged.stray.has(k) || flagged.erased.has(k)).length;
    process.stdout.write(`\r${style}: ${i + 1}/${count} sheets`);
  }
  process.stdout.write('\n');
  return t;
}

async function main(): Promise<void> {
  const started = Date.now();
  await loadOpenCv();
  const templates = [quizTemplate(), sectionedTemplate()];
  const seed = Number(values.seed);
  // warm-up: the browser, the PDF, the wasm — not part of any figure
  await readAnswerSheet(
    (await filledSheet(templates[0]!, randomSheetTruth(templates[0]!, 1), { style: 'clean', seed: 1 })).images[0]!,
    sheetLayout(templates[0]!),
  );
  const tallies: StyleTally[] = [];
  for (const [style, count] of [
    ['clean', values.clean],
    ['scan', values.scan],
    ['photo', values.photo],
  ] as const) {
    if (Number(count) > 0) tallies.push(await benchStyle(style, Number(count), seed + tallies.length * 1000, templates));
  }
  // third-party sheets: OMRChecker's samples through imported templates (bench/omr-samples.ts)
  const omr = await omrSamplesBench();
  const tables = await tablesBench({ pages: Number(values.tables), seed: 5000, styles: ['scan', 'photo'], heldOutPerClass: 100 });
  const report = `${sheetsReport(tallies, { cpus: os.cpus().length, node: process.version, seconds: Math.round((Date.now() - started) / 1000) })}\n${omr.markdown}\n${tables.markdown}`;
  console.log(report);
  fs.mkdirSync(path.dirname(values.out), { recursive: true });
  fs.writeFileSync(values.out, report);
  console.log(`written to ${values.out}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => closeSharedBrowser());
