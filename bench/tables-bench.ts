import fs from 'node:fs';
import path from 'node:path';
import { preprocessPage } from '../reading/preprocess/preprocess';
import { tableAnswers } from '../domain/table-answers';
import { questionKey, templateSchema, type Template } from '../domain/template';
import { MARK_CLASSES } from '../domain/marks';
import { readAnswerTables } from '../reading/handwriting/answer-tables';
import { loadMarkNetworks, readCalibration } from '../reading/handwriting/mark-model';
import { buildSet } from '../scripts/marks/dataset';
import { evaluate } from '../scripts/marks/report';
import { TABLE_SHAPES } from '../test/fixtures/answer-table-paper';
import { tablePaper, type TableStyle } from '../test/fixtures/table-class';

// Answer tables without a layout, measured: generated papers (four table shapes) handwritten in
// fonts and strokes the classifier never trained on, clean / scanned / photographed, read as the
// OCR step reads them (cleaned-up page → tables → cells → classifier) and parsed against the
// template; and the raw classifier on a fresh held-out set of single cells. Used by
// bench/tables.ts (npm run bench:tables) and bench/sheets.ts (npm run bench:sheets).

const load = (file: string) =>
  templateSchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, '../../test/fixtures/templates', file), 'utf8')));

const DESCRIPTION = [
  'Generated answer-table papers (一、选择题 1–10 A–D and 二、判断题 1–5 as √/×, T/F or 对/错; shapes: one table per section,',
  'transposed columns, a section over two row pairs, one continuous run without sections), handwritten in fonts, MNIST digits',
  'and stroke seeds the classifier never trained on (pen or pencil), clean, scanned (test/fixtures/degrade.ts) or photographed',
  '(perspective up to 2.5% per corner, then scan-like light, blur, JPEG 55). Read as the OCR step reads them: cleaned-up page →',
  'tables → cells → classifier → parsed against the template.',
].join(' ');

interface Tally {
  style: TableStyle;
  pages: number;
  tablesFound: number;
  answers: number;
  right: number;
  flagged: number;
  wrongUnflagged: number;
  errors: string[];
  ms: number[];
  /** CPU of readAnswerTables alone (tables, cells, classifier), all threads */
  tableCpuMs: number[];
}

async function benchStyle(
  style: TableStyle,
  pages: number,
  seed0: number,
  templates: { sectioned: Template; flat: Template },
): Promise<Tally> {
  const t: Tally = {
    style,
    pages: 0,
    tablesFound: 0,
    answers: 0,
    right: 0,
    flagged: 0,
    wrongUnflagged: 0,
    errors: [],
    ms: [],
    tableCpuMs: [],
  };
  for (let i = 0; i < pages; i++) {
    const shape = TABLE_SHAPES[i % TABLE_SHAPES.length]!;
    const template = shape === 'continuous' ? templates.flat : templates.sectioned;
    const seed = seed0 + i;
    const paper = await tablePaper(template, shape, style, seed);
    const started = Date.now();
    const { image } = await preprocessPage(paper.image, `page ${i + 1}`);
    const cpu = process.cpuUsage();
    const cells = await readAnswerTables(image);
    const used = process.cpuUsage(cpu);
    t.tableCpuMs.push((used.user + used.system) / 1000);
    const read = tableAnswers([{ tables: cells }], template);
    t.ms.push(Date.now() - started);
    t.pages++;
    if (template.questions.every((q) => read.has(questionKey(q)))) t.tablesFound++;
    else
      t.errors.push(
        `seed ${seed} (${shape}): ${template.questions.filter((q) => !read.has(questionKey(q))).length} questions' cells not found`,
      );
    for (const q of template.questions) {
      const key = questionKey(q);
      const got = read.get(key);
      if (!got) continue;
      const want = paper.answers.get(key) ?? null;
      t.answers++;
      const flagged = got.flags?.includes('low_confidence') ?? false;
      if (flagged) t.flagged++;
      if (got.answer === want) t.right++;
      else {
        if (!flagged) t.wrongUnflagged++;
        t.errors.push(
          `seed ${seed} (${shape}) ${key}: ${want ?? 'blank'} read as ${got.answer ?? 'blank'} (${got.confidence}${flagged ? ', flagged' : ''})`,
        );
      }
    }
    process.stdout.write(`\r${style}: ${i + 1}/${pages} pages`);
  }
  process.stdout.write('\n');
  return t;
}

export interface TablesBenchOptions {
  pages: number;
  seed: number;
  styles?: TableStyle[];
  heldOutPerClass?: number;
}

/** The answer-table section of a benchmark report (markdown), with its figures. */
export async function tablesBench(options: TablesBenchOptions): Promise<{ markdown: string; tallies: Tally[] }> {
  const templates = { sectioned: load('zh-answer-table.json'), flat: load('zh-answer-table-flat.json') };
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}% (${a}/${b})`;
  const tallies: Tally[] = [];
  for (const style of options.styles ?? (['clean', 'scan', 'photo'] as const))
    tallies.push(await benchStyle(style, options.pages, options.seed, templates));
  const rows = tallies.map((t) => {
    const mean = (xs: number[]) => (xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length)).toFixed(0);
    return `| ${t.style} | ${t.pages} | ${pct(t.tablesFound, t.pages)} | ${pct(t.right, t.answers)} | ${pct(t.flagged, t.answers)} | ${t.answers - t.right} | **${t.wrongUnflagged}** | ${mean(t.ms)} | ${mean(t.tableCpuMs)} |`;
  });
  const all = tallies.reduce((s, t) => ({ pages: s.pages + t.pages, found: s.found + t.tablesFound }), { pages: 0, found: 0 });
  const markdown = [
    '## Handwritten answer tables without a layout',
    '',
    DESCRIPTION +
      ` Seeds ${options.seed}…${options.seed + options.pages - 1}. Every table cell found on **${pct(all.found, all.pages)}** of the pages.`,
    '',
    "| style | pages | every question's cell found | answers right | flagged low_confidence | wrong | wrong and not flagged | ms per page (wall) | CPU ms per page, tables and cells |",
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    await heldOutSection(options.heldOutPerClass ?? 150),
    '',
    'Errors:',
    '',
    ...tallies.flatMap((t) => t.errors.slice(0, 12).map((e) => `- ${t.style}: ${e}`)),
    '',
  ].join('\n');
  return { markdown, tallies };
}

/** The committed classifier on a fresh held-out set (a seed neither training nor the tests use). */
async function heldOutSection(perClass: number): Promise<string> {
  const model = await loadMarkNetworks();
  const seed = 2_000_003;
  const e = evaluate(model, await buildSet('test', perClass, seed), readCalibration().temperature);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const classes = MARK_CLASSES.filter((c) => c !== 'blank');
  return [
    `### Handwriting test set (single cells, ${perClass} per class, held-out fonts, MNIST samples and seed ${seed})`,
    '',
    `A–D in a choice cell **${pct(e.kinds.letters)}** (A–H ${pct(e.kinds.lettersAH)}); true/false marks read as T/F **${pct(e.kinds.truefalse)}** (T/F letters ${pct(e.kinds.tfLetters)}, √/× ${pct(e.kinds.ticks)}); digits ${pct(e.kinds.digits)}. ` +
      `${e.confidence.wrong} of ${e.confidence.reads} readings wrong, ${e.confidence.wrongUnflagged} of them not flagged low_confidence; ${e.confidence.flagged} flagged in all.`,
    '',
    `| ${classes.join(' | ')} |`,
    `|${classes.map(() => '---').join('|')}|`,
    `| ${classes.map((c) => pct((e.perClass[c]?.inCell ?? 0) / Math.max(1, e.perClass[c]?.n ?? 0))).join(' | ')} |`,
  ].join('\n');
}
