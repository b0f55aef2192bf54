import sharp from 'sharp';
import type { GreyImage } from '../preprocess/preprocess';

// Second reading of doubtful short lines. The page recogniser (4.0.0_best_int) sometimes
// settles on a wrong Han character with low confidence (厌 read as 大 at ~55–70%) and the
// reading flips with the page scale. Short lines (answers, true/false marks, headings,
// header fields) are where one character decides a score, and they are cheap to read again:
// the line is cut out of the same preprocessed page and read as a single line by the larger
// `4.0.0` model; the reading with the higher line confidence is kept. The larger model is not
// used for whole pages: it misreads more answer marks there and is ~25% slower.
// Nothing here looks at the expected answers: which lines are read again depends only on
// the recogniser's own confidences and the line sizes.

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** One line as the page recogniser returned it; confidences 0–100 as tesseract gives them. */
export interface ReadLine {
  text: string;
  confidence: number;
  bbox: Box;
  words: { text: string; confidence: number }[];
}

export interface RereadLimits {
  /** a line is doubtful when a word holding a letter, digit or Han character is below this */
  wordConfidence: number;
  /** only lines at most this fraction of the page width (answers, marks, headings) */
  maxWidthFraction: number;
  /** per page, so a bad page costs at most this many extra line readings */
  maxLines: number;
}

/**
 * Measured on the accuracy benchmark's 120 pages: ~4.6 lines a page hold a word below 70%,
 * ~2.3 of them short enough; reading those again costs ~20% more recognition time.
 */
export const REREAD_LIMITS: RereadLimits = { wordConfidence: 70, maxWidthFraction: 0.4, maxLines: 6 };

/** White border around the cut-out line, in pixels of the page (the recogniser needs a margin). */
const PADDING = 6;
const MARGIN = 16;

const CONTENT = /[\p{L}\p{N}]/u;

/** The weakest confidence of a word that holds a character; punctuation alone does not count. */
export function weakestWord(line: ReadLine): number {
  let weakest = 100;
  for (const w of line.words) if (CONTENT.test(w.text) && w.confidence < weakest) weakest = w.confidence;
  return weakest;
}

/**
 * Indices of the lines worth reading again: doubtful, short, non-empty; the shortest first
 * (cheapest to read, and where answers sit), at most `maxLines`.
 */
export function linesToReread(lines: ReadLine[], pageWidth: number, limits: RereadLimits = REREAD_LIMITS): number[] {
  const width = (l: ReadLine) => l.bbox.x1 - l.bbox.x0;
  return lines
    .map((line, index) => ({ line, index }))
    .filter(
      ({ line }) =>
        line.text.trim() !== '' &&
        width(line) > 0 &&
        width(line) <= limits.maxWidthFraction * pageWidth &&
        weakestWord(line) < limits.wordConfidence,
    )
    .sort((a, b) => width(a.line) - width(b.line) || a.index - b.index)
    .slice(0, Math.max(0, limits.maxLines))
    .map(({ index }) => index);
}

/** The line's box grown by `padding` and clipped to the page; null when nothing is left. */
export function cropRegion(
  box: Box,
  pageWidth: number,
  pageHeight: number,
  padding = PADDING,
): { left: number; top: number; width: number; height: number } | null {
  const left = Math.max(0, Math.floor(box.x0 - padding));
  const top = Math.max(0, Math.floor(box.y0 - padding));
  const right = Math.min(pageWidth, Math.ceil(box.x1 + padding));
  const bottom = Math.min(pageHeight, Math.ceil(box.y1 + padding));
  if (right - left < 2 || bottom - top < 2) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/** The second reading replaces the first only when it found text and is more confident. */
export function preferSecond(first: { confidence: number }, second: { text: string; confidence: number }): boolean {
  return second.text.trim() !== '' && second.confidence > first.confidence;
}

export type LineReader = (crop: Buffer) => Promise<{ text: string; confidence: number }>;

/**
 * Reads the doubtful short lines of the page `page` (the pixels the lines were read from)
 * again (see linesToReread) with `read`, which gets each line cut out on a white margin.
 * Returns the lines with the better reading of each; the others unchanged.
 */
export async function rereadWeakLines(
  page: GreyImage,
  lines: ReadLine[],
  read: LineReader,
  limits: RereadLimits = REREAD_LIMITS,
): Promise<ReadLine[]> {
  const picked = linesToReread(lines, page.width, limits);
  if (picked.length === 0) return lines;
  const data = Buffer.from(page.data.buffer, page.data.byteOffset, page.data.byteLength);
  const raw = { width: page.width, height: page.height, channels: 1 as const };
  const out = [...lines];
  for (const index of picked) {
    const line = lines[index]!;
    const region = cropRegion(line.bbox, page.width, page.height);
    if (!region) continue;
    const crop = await sharp(data, { raw })
      .extract(region)
      .extend({ top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN, background: '#ffffff' })
      .png({ compressionLevel: 1 })
      .toBuffer();
    const second = await read(crop);
    if (preferSecond(line, second)) out[index] = { ...line, text: second.text, confidence: second.confidence };
  }
  return out;
}
