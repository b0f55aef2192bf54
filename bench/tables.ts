import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { preprocessPage } from '../reading/preprocess/preprocess';
import { tableAnswers } from '../domain/table-answers';
import { questionKey, templateSchema, type Template } from '../domain/template';
import { readAnswerTables } from '../reading/handwriting/answer-tables';
import { loadNetwork } from '../reading/handwriting/mark-model';
import { buildSet } from '../scripts/marks/dataset';
import { evaluate } from '../scripts/marks/report';
import { TABLE_SHAPES } from '../test/fixtures/answer-table-paper';
import { tablePaper, type TableStyle } from '../test/fixtures/table-class';

// npm run bench:tables [-- --pages 12 --out bench/TABLES.md]
// Answer tables without a layout: generated papers (four table shapes) handwritten in fonts and
// strokes the classifier never trained on, clean / scanned / photographed, read as the OCR step
// reads them (cleaned-up page → tables → cells → classifier) and parsed against the template.
// Beside them, the raw classifier on a fresh held-out set of single cells.

const { values } = parseArgs({ options: { pages: { type: 'string', default: '12' }, out: { type: 'string', default: 'bench/TABLES.md' }, seed: { type: 'string', default: '5000' } } });
const load = (file: string) => templateSchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, '../../test/fixtures/templates', file), 'utf8')));

interface Tally { style: TableStyle; pages: number; tablesFound: number; answers: number; right: number; flagged: number; wrongUnflagged: number; errors: string[]; ms: number[] }

async function benchStyle(style: TableStyle, pages: number, seed0: number, templates: { sectioned: Template; flat: Template }): Promise<Tally> {
  const t: Tally = { style, pages: 0, tablesFound: 0, answers: 0, right: 0, flagged: 0, wrongUnflagged: 0, errors: [], ms: [] };
  for (let i = 0; i < pages; i++) {
    const shape = TABLE_SHAPES[i % TABLE_SHAPES.length]!;
    const template = shape === 'continuous' ? templates.flat : templates.sectioned;
    const seed = seed0 + i;
    const paper = await tablePaper(template, shape, style, seed);
    const started = Date.now();
    const { image } = await preprocessPage(paper.image, `page ${i + 1}`);
    const read = tableAnswers([{ tables: await readAnswerTables(image) }], template);
    t.ms.push(Date.now() - started);
    t.pages++;
    if (template.questions.every((q) => read.has(questionKey(q)))) t.tablesFound++;
    for (const q of template.questions) {
      const key = questionKey(q);
      const got = read.get(key);
      const want = paper.answers.get(key) ?? null;
      t.answers++;
      const flagged = got?.flags?.includes('low_confidence') ?? false;
      if (flagged) t.flagged++;
      if (got && got.answer === want) t.right++;
      else {
        if (!flagged) t.wrongUnflagged++;
        if (t.errors.length < 10) t.errors.push(`seed ${seed} (${shape}) ${key}: ${want ?? 'blank'} read as ${got ? (got.answer ?? 'blank') : 'not found'}${got ? ` (${got.confidence})` : ''}`);
      }
    }
  }
  return t;
}

async function main(): Promise<void> {
  const pages = Number(values.pages);
  const templates = { sectioned: load('zh-answer-table.json'), flat: load('zh-answer-table-flat.json') };
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}% (${a}/${b})`;
  const rows: string[] = [];
  const errors: string[] = [];
  for (const style of ['clean', 'scan', 'photo'] as const) {
    const t = await benchStyle(style, pages, Number(values.seed), templates);
    const mean = t.ms.reduce((s, x) => s + x, 0) / Math.max(1, t.ms.length);
    rows.push(`| ${style} | ${t.pages} | ${pct(t.tablesFound, t.pages)} | ${pct(t.right, t.answers)} | ${pct(t.flagged, t.answers)} | ${t.wrongUnflagged} | ${mean.toFixed(0)} |`);
    errors.push(...t.errors.map((e) => `- ${style}: ${e}`));
    console.log(rows.at(-1));
  }
  const model = await loadNetwork();
  const held = evaluate(model, await buildSet('test', 150, 2_000_003));
  const raw = `Raw classifier on a fresh held-out set (150 cells per class, seed 2000003): all classes ${(held.accuracy * 100).toFixed(1)}%, A–D read among A–H ${(held.kinds.letters * 100).toFixed(1)}%, true/false marks read as T/F ${(held.kinds.truefalse * 100).toFixed(1)}%, digits ${(held.kinds.digits * 100).toFixed(1)}%.`;
  console.log(raw);
  const md = ['# Answer tables without a layout — benchmark', '',
    '`npm run bench:tables` — generated answer-table papers (一、选择题 1–10 A–D and 二、判断题 1–5 as √/×, T/F or 对/错; shapes: one table per section, transposed columns, a section over two row pairs, one continuous run without sections), handwritten in fonts, MNIST digits and stroke seeds the classifier never trained on (pen or pencil), clean, scanned (test/fixtures/degrade.ts) or photographed (perspective up to 2.5% per corner, then scan-like light, blur, JPEG 55). Read as the OCR step reads them: cleaned-up page → tables → cells → classifier → parsed against the template.', '',
    '| style | pages | every table cell found | answers right | flagged low_confidence | wrong and not flagged | ms per page |', '|---|---|---|---|---|---|---|', ...rows, '',
    raw, '', 'First errors:', '', ...errors, ''].join('\n');
  fs.writeFileSync(values.out, md);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
