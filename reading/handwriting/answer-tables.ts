import sharp from 'sharp';
import type { TableAnswerCell } from '../../domain/table-answers';
import { predictGlyphs, decide } from './mark-classifier';
import { readCellInk, type GreyImage } from './mark-crop';
import { cutCell, findTables, type Cell, type Table } from './table-grid';
import type { PlacedLine } from '../ocr/ocr-engine';

export type { TableAnswerCell };

// Answer tables on a printed paper (题号 row over an answer row, or the same in columns),
// read without a layout: the printed question numbers are read by the same classifier as the
// handwriting (digits) and fitted to a run of consecutive numbers, so a misread or the 题号
// header cell cannot shift a column; every cell under a number is classified. What an answer
// cell holds is kept as class probabilities, so the parser can read it as the template's
// question type asks (a letter, T/F, digits). The printed line that heads a table (一、选择题),
// when the page's OCR gives one, names its section; numbering that starts again at 1 starts a
// new group (the template's next section), the fallback when no heading was read.

const LONG_SIDE = 2000;

export async function decodeGrey(image: Buffer): Promise<GreyImage> {
  const { data, info } = await sharp(image, { failOn: 'none', limitInputPixels: 100_000_000 })
    .rotate()
    .resize(LONG_SIDE, LONG_SIDE, { fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * Every answer cell under a printed question number on the page, in reading order. `lines`
 * are the page's OCR lines with their boxes, in the frame of `image` (a GreyImage then).
 */
export async function readAnswerTables(image: Buffer | GreyImage, lines?: PlacedLine[]): Promise<TableAnswerCell[]> {
  const page = Buffer.isBuffer(image) ? await decodeGrey(image) : image;
  const found: { at: Omit<TableAnswerCell, 'whole' | 'parts' | 'ink'>; crop: GreyImage }[] = [];
  let group = 0;
  let last = 0;
  for (const table of await findTables(page)) {
    const heading = headingAbove(table, lines ?? []);
    for (const [numbers, answers, across] of linePairs(table)) {
      for (const run of await numberRuns(page, numbers)) {
        if (found.length > 0 && run.first <= last) group++;
        for (const { index, number } of run.cells) {
          const cell = partner(numbers[index]!, answers, across);
          if (!cell) continue;
          // a few pixels inside the rules: a slanted or warped rule leaves less behind
          found.push({
            at: { group, number: String(number), ...(heading ? { heading } : {}), box: { ...cell } },
            crop: cutCell(page, cell, -Math.round(0.04 * Math.min(cell.w, cell.h))),
          });
          last = number;
        }
      }
    }
  }
  const read = await answerProbabilities(found.map((f) => f.crop));
  return found.map((f, i) => ({ ...f.at, ...read[i]! }));
}

/** A section heading starts with a Chinese ordinal or a Roman numeral and a separator (一、选择题, II.), or is a short line naming a kind of question. */
const HEADING = /^\s*(?:[一二三四五六七八九十]+|[IVX]+)\s*[、.．,，]|^.{0,6}(?:选择题|判断题|填空题|Part|Section)/;

/**
 * The last heading line above the table that overlaps it sideways: it heads every table
 * under it until the next heading (a section over two row pairs has one heading).
 */
function headingAbove(table: Table, lines: PlacedLine[]): string | undefined {
  const { box } = table;
  let best: PlacedLine | undefined;
  for (const line of lines) {
    if (!HEADING.test(line.text) || line.box.y1 > box.y + 0.25 * (line.box.y1 - line.box.y0)) continue;
    if (line.box.x1 < box.x - 0.2 * box.w || line.box.x0 > box.x + box.w) continue;
    if (!best || line.box.y0 > best.box.y0) best = line;
  }
  return best?.text.trim();
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
  const overlap = (a: Cell) =>
    across
      ? Math.min(a.x + a.w, number.x + number.w) - Math.max(a.x, number.x)
      : Math.min(a.y + a.h, number.y + number.h) - Math.max(a.y, number.y);
  let best: Cell | undefined,
    most = 0;
  for (const a of answers)
    if (overlap(a) > most) {
      most = overlap(a);
      best = a;
    }
  return best && most > 0.5 * (across ? number.w : number.h) ? best : undefined;
}

interface NumberRun {
  first: number;
  cells: { index: number; number: number }[];
}

/**
 * The question numbers of a number line. Each cell's digits are read; a reading of 1 after the
 * start begins a new run; within a run the numbers must go up by one per cell, so the offset
 * most readings agree on wins; cells before the first one that reads right (a 题号 header) are dropped.
 */
async function numberRuns(page: GreyImage, cells: Cell[]): Promise<NumberRun[]> {
  const read = await readNumbers(cells.map((cell) => cutCell(page, cell, -2)));
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

/** Printed numbers (1–3 digits) read glyph by glyph, in one batch; null where a cell holds none. */
async function readNumbers(crops: GreyImage[]): Promise<(number | null)[]> {
  const inks = crops
    .map((crop) => readCellInk(crop))
    .map((ink) => (ink.whole && ink.parts.length > 0 && ink.parts.length <= 3 ? ink.parts : []));
  const probs = await predictGlyphs(inks.flat());
  let next = 0;
  return inks.map((parts) => {
    if (parts.length === 0) return null;
    const readings = probs.slice(next, (next += parts.length)).map((p) => decide(p, 'digit'));
    if (readings.some((r) => !r.label || r.confidence < 0.5)) return null;
    return Number(readings.map((r) => r.label).join(''));
  });
}

/** Every answer cell's class probabilities (whole mark and glyphs), in one batch. */
async function answerProbabilities(crops: GreyImage[]): Promise<Omit<TableAnswerCell, 'group' | 'number'>[]> {
  const inks = crops.map((crop) => readCellInk(crop));
  const probs = await predictGlyphs(inks.flatMap((ink) => (ink.whole ? [ink.whole, ...ink.parts] : [])));
  const round = (p: Float32Array) => Array.from(p, (v) => Math.round(v * 1e4) / 1e4);
  let next = 0;
  return inks.map((ink) => {
    if (!ink.whole) return { whole: null, parts: [], ink: ink.ink };
    const [whole, ...parts] = probs.slice(next, (next += 1 + ink.parts.length));
    return { whole: round(whole!), parts: parts.map(round), ink: ink.ink };
  });
}
