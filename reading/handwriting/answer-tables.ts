import sharp from 'sharp';
import type { TableAnswerCell } from '../../domain/table-answers';
import { predictGlyphs, decide } from './mark-classifier';
import { readCellInk, type GreyImage } from './mark-crop';
import { cutCell, findTables, type Cell, type Table } from './table-grid';

export type { TableAnswerCell };

// Answer tables on a printed paper (题号 row over an answer row, or the same in columns),
// read without a layout: the printed question numbers are read by the same classifier as the
// handwriting (digits) and fitted to a run of consecutive numbers, so a misread or the 题号
// header cell cannot shift a column; every cell under a number is classified. What an answer
// cell holds is kept as class probabilities, so the parser can read it as the template's
// question type asks (a letter, T/F, digits). Numbering that starts again at 1 starts a new
// group: the template's next section.

const LONG_SIDE = 2000;

export async function decodeGrey(image: Buffer): Promise<GreyImage> {
  const { data, info } = await sharp(image, { failOn: 'none', limitInputPixels: 100_000_000 })
    .rotate().resize(LONG_SIDE, LONG_SIDE, { fit: 'inside', withoutEnlargement: true }).greyscale().raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Every answer cell under a printed question number on the page, in reading order. */
export async function readAnswerTables(image: Buffer | GreyImage): Promise<TableAnswerCell[]> {
  const page = Buffer.isBuffer(image) ? await decodeGrey(image) : image;
  const out: TableAnswerCell[] = [];
  let group = 0;
  let last = 0;
  for (const table of await findTables(page)) {
    for (const [numbers, answers, across] of linePairs(table)) {
      for (const run of await numberRuns(page, numbers)) {
        if (out.length > 0 && run.first <= last) group++;
        for (const { index, number } of run.cells) {
          const cell = partner(numbers[index]!, answers, across);
          if (!cell) continue;
          // a few pixels inside the rules: a slanted or warped rule leaves less behind
          out.push({ group, number: String(number), ...(await answerProbabilities(cutCell(page, cell, -Math.round(0.04 * Math.min(cell.w, cell.h))))) });
          last = number;
        }
      }
    }
  }
  return out;
}

/**
 * Pairs of (number line, answer line): rows 0/1, 2/3 … of a wide table, or columns 0/1, 2/3 …
 * of a tall one (the transposed form).
 */
function linePairs(table: Table): [Cell[], Cell[], boolean][] {
  const { rows } = table;
  const width = Math.max(...rows.map((r) => r.length));
  const pairs: [Cell[], Cell[], boolean][] = [];
  if (width >= rows.length) {
    for (let r = 0; r + 1 < rows.length; r += 2) pairs.push([rows[r]!, rows[r + 1]!, true]);
  } else {
    const column = (c: number) => rows.map((r) => r[c]).filter((x): x is Cell => x !== undefined);
    for (let c = 0; c + 1 < width; c += 2) pairs.push([column(c), column(c + 1), false]);
  }
  return pairs;
}

/**
 * The answer cell under (or beside) a number cell: the one it overlaps most along the line, so
 * a cell the grid search missed in one line cannot shift the rest of the line by one.
 */
function partner(number: Cell, answers: Cell[], across: boolean): Cell | undefined {
  const overlap = (a: Cell) => across
    ? Math.min(a.x + a.w, number.x + number.w) - Math.max(a.x, number.x)
    : Math.min(a.y + a.h, number.y + number.h) - Math.max(a.y, number.y);
  let best: Cell | undefined, most = 0;
  for (const a of answers) if (overlap(a) > most) { most = overlap(a); best = a; }
  return best && most > 0.5 * (across ? number.w : number.h) ? best : undefined;
}

interface NumberRun { first: number; cells: { index: number; number: number }[] }

/**
 * The question numbers of a number line. Each cell's digits are read; a reading of 1 after the
 * start begins a new run; within a run the numbers must go up by one per cell, so the offset
 * most readings agree on wins; cells before the first one that reads right (a 题号 header) are dropped.
 */
async function numberRuns(page: GreyImage, cells: Cell[]): Promise<NumberRun[]> {
  const read: (number | null)[] = [];
  for (const cell of cells) read.push(await readNumber(cutCell(page, cell, -2)));
  const starts = [0, ...read.flatMap((n, i) => (n === 1 && i > 0 && read[i - 1] !== null && read[i - 1] !== 0 ? [i] : []))];
  const runs: NumberRun[] = [];
  starts.forEach((start, k) => {
    const end = starts[k + 1] ?? cells.length;
    const votes = new Map<number, number>();
    for (let i = start; i < end; i++) if (read[i] !== null) votes.set(read[i]! - i, (votes.get(read[i]! - i) ?? 0) + 1);
    const best = [...votes].sort((a, b) => b[1] - a[1])[0];
    if (!best || best[1] < Math.max(2, Math.ceil((end - start) * 0.3))) return;
    const run: NumberRun = { first: Infinity, cells: [] };
    // The run begins at its first cell read as the number it should hold: cells before it are
    // headers (题号), whatever they happened to read as.
    const from = read.findIndex((n, i) => i >= start && n === best[0] + i);
    for (let i = from; i < end; i++) {
      const number = best[0] + i;
      if (number < 1) continue;
      run.first = Math.min(run.first, number);
      run.cells.push({ index: i, number });
    }
    if (run.cells.length) runs.push(run);
  });
  return runs;
}

/** A printed number (1–3 digits) read glyph by glyph, or null when it is not one. */
async function readNumber(crop: GreyImage): Promise<number | null> {
  const ink = readCellInk(crop);
  if (!ink.whole || ink.parts.length === 0 || ink.parts.length > 3) return null;
  const readings = (await predictGlyphs(ink.parts)).map((p) => decide(p, 'digit'));
  if (readings.some((r) => !r.label || r.confidence < 0.5)) return null;
  return Number(readings.map((r) => r.label).join(''));
}

async function answerProbabilities(crop: GreyImage): Promise<Omit<TableAnswerCell, 'group' | 'number'>> {
  const ink = readCellInk(crop);
  if (!ink.whole) return { whole: null, parts: [], ink: ink.ink };
  const [whole, ...parts] = await predictGlyphs([ink.whole, ...ink.parts]);
  const round = (p: Float32Array) => Array.from(p, (v) => Math.round(v * 1e4) / 1e4);
  return { whole: round(whole!), parts: parts.map(round), ink: ink.ink };
}
