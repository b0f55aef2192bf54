// Which bubbles of a third-party sheet are marked, from how dark each one is (0 = paper,
// 1 = black) — no empty reference sheet, no printed black to calibrate on.
//
// As a careful OMR reader does it: a page-wide threshold in the largest gap between the sorted
// darknesses of all bubbles (marks against empty bubbles on this sheet, in this light), then per
// field a local threshold where the field's own darknesses have a clear gap (a light pencil in
// one row, a shadow over one corner), kept near the page's threshold so a smudge in an empty row
// does not become a mark. A mark that only the local threshold sees is faint; a field whose
// darknesses sit close to its threshold has a low confidence.

export interface FieldReading {
  marked: boolean[];
  threshold: number;
  /** 0.5 (on the threshold) … 1 (every bubble far from it) */
  confidence: number;
  /** a mark lighter than the page's threshold, or barely over its own */
  faint: boolean;
}

export interface PageThreshold { threshold: number; jump: number }

const GLOBAL_MIN_JUMP = 0.12;
const LOCAL_MIN_JUMP = 0.14;
const DEFAULT_THRESHOLD = 0.4;
/** below this darkness nothing is a mark, whatever the gaps say (a dust speck, a printed letter) */
const MARK_FLOOR = 0.2;
const LOCAL_BELOW = 0.22;
const LOCAL_ABOVE = 0.12;
const CONFIDENT_MARGIN = 0.18;
const FAINT_MARGIN = 0.08;

/** The middle of the largest gap between sorted values (within `lo`…`hi`), and the gap. */
function largestGap(values: number[], lo: number, hi: number): { mid: number; gap: number } {
  const s = [...values].sort((a, b) => a - b);
  let best = { mid: DEFAULT_THRESHOLD, gap: 0 };
  for (let i = 0; i + 1 < s.length; i++) {
    const mid = (s[i]! + s[i + 1]!) / 2;
    const gap = s[i + 1]! - s[i]!;
    if (mid >= lo && mid <= hi && gap > best.gap) best = { mid, gap };
  }
  return best;
}

/** The page's threshold over every bubble's darkness; without a clear gap, a fixed level. */
export function pageThreshold(darkness: number[]): PageThreshold {
  const { mid, gap } = largestGap(darkness, MARK_FLOOR, 0.9);
  return gap >= GLOBAL_MIN_JUMP ? { threshold: mid, jump: gap } : { threshold: DEFAULT_THRESHOLD, jump: gap };
}

/** One field's marks against the page's threshold and its own gap. */
export function readField(darkness: number[], page: PageThreshold): FieldReading {
  let threshold = page.threshold;
  if (darkness.length >= 2) {
    const local = largestGap(darkness, MARK_FLOOR, 0.9);
    if (local.gap >= LOCAL_MIN_JUMP) threshold = Math.min(page.threshold + LOCAL_ABOVE, Math.max(page.threshold - LOCAL_BELOW, MARK_FLOOR, local.mid));
  }
  const marked = darkness.map((d) => d > threshold);
  const margin = Math.min(...darkness.map((d) => Math.abs(d - threshold)));
  const faint = darkness.some((d, i) => marked[i] && (d < page.threshold || d - threshold < FAINT_MARGIN));
  const confidence = 0.5 + 0.5 * Math.min(1, margin / CONFIDENT_MARGIN);
  return { marked, threshold, confidence: Math.round(confidence * 1000) / 1000, faint };
}
