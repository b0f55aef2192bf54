// Pure parts of the PP-OCR reader (reading/ocr/ppocr.ts): the text boxes in the detector's
// probability map (a DB-style map: each pixel's chance of lying in text), the reading order of
// boxes into lines, and the greedy CTC decoding of the recogniser's output.

export interface TextBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** mean probability inside the box */
  score: number;
}

export interface DetectLimits {
  /** a pixel is text above this probability */
  threshold: number;
  /** a box is kept when its mean probability is at least this */
  boxScore: number;
  /** the shrunk text kernel the model predicts is grown back by area × ratio / perimeter */
  unclipRatio: number;
  /** boxes less tall than this (map pixels) are noise */
  minSide: number;
}

export const DETECT_LIMITS: DetectLimits = { threshold: 0.3, boxScore: 0.6, unclipRatio: 1.5, minSide: 3 };

/**
 * Connected regions of `prob` (w × h, row-major) above the threshold, as axis-aligned boxes grown
 * by the unclip distance, in map pixels. Pages reach the reader upright and straightened, so an
 * axis-aligned box holds each line.
 */
export function textBoxes(prob: Float32Array, w: number, h: number, limits: DetectLimits = DETECT_LIMITS): TextBox[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const out: TextBox[] = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || prob[start]! <= limits.threshold) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let [x0, y0, x1, y1] = [w, h, -1, -1];
    while (top) {
      const i = stack[--top]!;
      const x = i % w;
      const y = (i - x) / w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const next = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1];
      for (const j of next) {
        if (j >= 0 && !seen[j] && prob[j]! > limits.threshold) {
          seen[j] = 1;
          stack[top++] = j;
        }
      }
    }
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    if (Math.min(bw, bh) < limits.minSide) continue;
    let sum = 0;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) sum += prob[y * w + x]!;
    const score = sum / (bw * bh);
    if (score < limits.boxScore) continue;
    const d = (bw * bh * limits.unclipRatio) / (2 * (bw + bh));
    out.push({ x0: Math.max(0, x0 - d), y0: Math.max(0, y0 - d), x1: Math.min(w, x1 + 1 + d), y1: Math.min(h, y1 + 1 + d), score });
  }
  return out;
}

/** Boxes in reading order, grouped into lines: a box joins a line it overlaps vertically by half the smaller height. */
export function readingLines<T extends { y0: number; y1: number; x0: number }>(boxes: T[]): T[][] {
  const lines: { y0: number; y1: number; boxes: T[] }[] = [];
  for (const box of [...boxes].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1))) {
    const line = lines.find((l) => Math.min(l.y1, box.y1) - Math.max(l.y0, box.y0) >= 0.5 * Math.min(l.y1 - l.y0, box.y1 - box.y0));
    if (line) {
      line.boxes.push(box);
      line.y0 = Math.min(line.y0, box.y0);
      line.y1 = Math.max(line.y1, box.y1);
    } else lines.push({ y0: box.y0, y1: box.y1, boxes: [box] });
  }
  return lines.sort((a, b) => a.y0 - b.y0).map((l) => l.boxes.sort((a, b) => a.x0 - b.x0));
}

/**
 * Greedy CTC over `probs` (steps × classes, row-major): the best class of each step, repeats
 * merged, blanks (class 0) dropped. Class i ≥ 1 is `alphabet[i - 1]`; the class after the
 * alphabet is a space. Confidence: mean probability of the characters kept.
 */
export function ctcDecode(probs: Float32Array, steps: number, classes: number, alphabet: string[]): { text: string; confidence: number } {
  let text = '';
  let sum = 0;
  let kept = 0;
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    for (let c = 0; c < classes; c++) {
      const p = probs[t * classes + c]!;
      if (p > bestP) [best, bestP] = [c, p];
    }
    if (best !== 0 && best !== prev) {
      text += best - 1 < alphabet.length ? alphabet[best - 1] : ' ';
      sum += bestP;
      kept++;
    }
    prev = best;
  }
  return { text, confidence: kept ? sum / kept : 0 };
}
