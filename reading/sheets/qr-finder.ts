// A cheap "no QR code here" for a picture, before the full search (reading/sheets/qr.ts).
//
// jsQR finds a code only from three finder patterns: runs of dark–light–dark–light–dark in the
// proportions 1:1:3:1:1 along a row, stacked over at least three rows, with a dark centre. This
// module repeats jsQR 1.4's binariser (8 px regions, black point from a 5×5 neighbourhood) and the
// finder-pattern part of its row scan on the same grey picture, then keeps the candidates that
// show the pattern down their column and along both diagonals too, as a real finder pattern does
// at any turn. Text gives jsQR dozens of row candidates (which it then tries to decode, hundreds
// of ms a page) but few that pass the crossings, and those few (bold 回, 口) are not placed as a
// code's three are; every sheet picture of the tests (clean, scanned, photographed, turned) shows
// its three. The code's square cut out by the markers
// or the page's outline is the same code resampled: one whose finder patterns are too small to
// show here (modules under a pixel at working size) is too small for its sheet's bubbles anyway.

const REGION = 8;
const MIN_DYNAMIC_RANGE = 24;
const MIN_QUAD_RATIO = 0.5;
const MAX_QUAD_RATIO = 1.5;

export interface GreyPicture {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Sum, min and max of one 8×8 region, read by index as jsQR reads it (past the right edge: the next row; past the end: NaN). */
function regionStats(grey: Uint8Array, width: number, height: number, hr: number, vr: number): [number, number, number] {
  let sum = 0;
  let min = Infinity;
  let max = 0;
  const x0 = hr * REGION;
  const y0 = vr * REGION;
  if (x0 + REGION <= width && y0 + REGION <= height) {
    for (let y = y0; y < y0 + REGION; y++) {
      const base = y * width + x0;
      for (let x = 0; x < REGION; x++) {
        const lum = grey[base + x]!;
        sum += lum;
        if (lum < min) min = lum;
        if (lum > max) max = lum;
      }
    }
    return [sum, min, max];
  }
  const n = grey.length;
  for (let y = y0; y < y0 + REGION; y++)
    for (let x = x0; x < x0 + REGION; x++) {
      const i = y * width + x;
      const lum = i < n ? grey[i]! : NaN;
      sum += lum;
      min = Math.min(min, lum);
      max = Math.max(max, lum);
    }
  return [sum, min, max];
}

/** Per 8×8 region the level below which a pixel is dark, as jsQR computes it (rounded into bytes as jsQR stores it). */
function blackPoints(grey: Uint8Array, width: number, height: number, cols: number, rows: number): Uint8ClampedArray {
  const points = new Uint8ClampedArray(cols * rows);
  for (let vr = 0; vr < rows; vr++) {
    for (let hr = 0; hr < cols; hr++) {
      const [sum, min, max] = regionStats(grey, width, height, hr, vr);
      let average = sum / (REGION * REGION);
      if (max - min <= MIN_DYNAMIC_RANGE) {
        average = min / 2;
        if (vr > 0 && hr > 0) {
          const neighbours = (points[(vr - 1) * cols + hr]! + 2 * points[vr * cols + hr - 1]! + points[(vr - 1) * cols + hr - 1]!) / 4;
          if (min < neighbours) average = neighbours;
        }
      }
      points[vr * cols + hr] = average;
    }
  }
  return points;
}

const between = (v: number, min: number, max: number) => (v < min ? min : v > max ? max : v);

/** jsQR's binarised picture: 1 = dark. Past the right edge jsQR writes into the next row, as here. */
export function binarise({ data, width, height }: GreyPicture): Uint8Array {
  const n = width * height;
  const cols = Math.ceil(width / REGION);
  const rows = Math.ceil(height / REGION);
  const points = blackPoints(data, width, height, cols, rows);
  const out = new Uint8Array(n);
  for (let vr = 0; vr < rows; vr++) {
    const top = between(vr, 2, rows - 3);
    for (let hr = 0; hr < cols; hr++) {
      const left = between(hr, 2, cols - 3);
      let sum = 0;
      for (let dy = -2; dy <= 2; dy++) {
        const row = (top + dy) * cols + left;
        sum += points[row - 2]! + points[row - 1]! + points[row]! + points[row + 1]! + points[row + 2]!;
      }
      const threshold = sum / 25;
      const x0 = hr * REGION;
      const y0 = vr * REGION;
      if (x0 + REGION <= width) {
        // inside the picture every pixel is written once: row by row is the same, and faster
        for (let y = y0; y < Math.min(y0 + REGION, height); y++)
          for (let i = y * width + x0, end = i + REGION; i < end; i++) out[i] = data[i]! <= threshold ? 1 : 0;
        continue;
      }
      // jsQR walks a region column by column: where regions overlap past the edge, the later write wins
      for (let x = 0; x < REGION; x++)
        for (let y = 0; y < REGION; y++) {
          const i = (vr * REGION + y) * width + hr * REGION + x;
          if (i < n) out[i] = data[i]! <= threshold ? 1 : 0;
        }
    }
  }
  return out;
}

interface Line {
  startX: number;
  endX: number;
  y: number;
}
interface Quad {
  top: Line;
  bottom: Line;
}

/** Whether the five runs (dark, light, dark, light, dark) are within jsQR's tolerance of 1:1:3:1:1. */
function finderRuns(a: number, b: number, c: number, d: number, e: number): boolean {
  const u = (a + b + c + d + e) / 7;
  return Math.abs(a - u) < u && Math.abs(b - u) < u && Math.abs(c - 3 * u) < 3 * u && Math.abs(d - u) < u && Math.abs(e - u) < u;
}

/** The runs of one row that fit a finder pattern, extending the quads of the row above (jsQR's rule). */
function scanRow(bits: Uint8Array, width: number, y: number, active: Quad[]): void {
  const off = y * width;
  let length = 0;
  let last = 0;
  let s0: number;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let x = -1; x <= width; x++) {
    const v = x >= 0 && x < width ? bits[off + x]! : 0;
    if (v === last) {
      length++;
      continue;
    }
    s0 = s1;
    s1 = s2;
    s2 = s3;
    s3 = s4;
    s4 = length;
    length = 1;
    last = v;
    // jsQR tests after every change of colour; a pattern ends where light begins
    if (v === 1 || !finderRuns(s0, s1, s2, s3, s4)) continue;
    const endX = x - s3 - s4;
    const startX = endX - s2;
    const line = { startX, endX, y };
    const match = active.find(
      (q) =>
        (startX >= q.bottom.startX && startX <= q.bottom.endX) ||
        (endX >= q.bottom.startX && startX <= q.bottom.endX) ||
        (startX <= q.bottom.startX &&
          endX >= q.bottom.endX &&
          s2 / (q.bottom.endX - q.bottom.startX) < MAX_QUAD_RATIO &&
          s2 / (q.bottom.endX - q.bottom.startX) > MIN_QUAD_RATIO),
    );
    if (match) match.bottom = line;
    else active.push({ top: line, bottom: line });
  }
}

/** The centres of the finder-pattern candidates of jsQR's row scan: quads three rows tall or more, dark in the middle. */
function rowCandidates(bits: Uint8Array, width: number, height: number): { x: number; y: number }[] {
  const done: Quad[] = [];
  let active: Quad[] = [];
  for (let y = 0; y < height; y++) {
    scanRow(bits, width, y, active);
    for (const q of active) if (q.bottom.y !== y && q.bottom.y - q.top.y >= 2) done.push(q);
    active = active.filter((q) => q.bottom.y === y);
  }
  done.push(...active.filter((q) => q.bottom.y - q.top.y >= 2));
  return done
    .map((q) => ({
      x: Math.round((q.top.startX + q.top.endX + q.bottom.startX + q.bottom.endX) / 4),
      y: Math.round((q.top.y + q.bottom.y + 1) / 2),
    }))
    .filter(({ x, y }) => x >= 0 && x < width && y >= 0 && y < height && bits[y * width + x] === 1);
}

/** From the dark centre outwards along (dx, dy): the lengths of the centre's dark run, the light ring, the dark ring; null at the edge. */
function runsFrom(bits: Uint8Array, width: number, height: number, x: number, y: number, dx: number, dy: number): number[] | null {
  const runs = [0, 0, 0];
  let want = 1;
  for (let k = 0; k < 3;) {
    if (x < 0 || y < 0 || x >= width || y >= height) return k === 2 ? runs : null;
    if (bits[y * width + x] === want) {
      runs[k]!++;
      x += dx;
      y += dy;
    } else {
      k++;
      want = 1 - want;
    }
  }
  return runs;
}

/** The 1:1:3:1:1 pattern across the centre in direction (dx, dy), within jsQR's tolerance: its length in pixels, or 0. */
function crossing(bits: Uint8Array, width: number, height: number, p: { x: number; y: number }, dx: number, dy: number): number {
  const a = runsFrom(bits, width, height, p.x, p.y, -dx, -dy);
  const b = runsFrom(bits, width, height, p.x, p.y, dx, dy);
  if (!a || !b || !finderRuns(a[2]!, a[1]!, a[0]! + b[0]! - 1, b[1]!, b[2]!)) return 0;
  return a[2]! + a[1]! + a[0]! + b[0]! - 1 + b[1]! + b[2]!;
}

const MAX_SIDE_RATIO = 1.4;
// Grey levels between the dark centre and the light ring: printed codes show 90–240 even in dim
// photos; a scan's paper grain, which the binariser turns into speckle, under 20.
const MIN_CONTRAST = 40;
const alike = (a: number, b: number) => a > 0 && b > 0 && Math.max(a, b) <= MAX_SIDE_RATIO * Math.min(a, b);

/** How much lighter the light ring is than the dark centre, in grey levels: the ring sampled two modules out along both axes. */
function printedContrast({ data, width, height }: GreyPicture, p: FinderPattern): number {
  const at = (x: number, y: number) => data[between(Math.round(y), 0, height - 1) * width + between(Math.round(x), 0, width - 1)]!;
  let centre = 0;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) centre += at(p.x + dx, p.y + dy);
  const r = 2 * p.module;
  const ring = at(p.x + r, p.y) + at(p.x - r, p.y) + at(p.x, p.y + r) + at(p.x, p.y - r);
  return ring / 4 - centre / 9;
}

export interface FinderPattern {
  x: number;
  y: number;
  /** one module's size in pixels: the pattern is seven modules across */
  module: number;
}

/**
 * The finder patterns of the picture: candidates of jsQR's row scan that show the same pattern
 * down their column and along both diagonals. A finder pattern is three squares about one
 * centre, so any line through the centre crosses them in the proportions 1:1:3:1:1, whichever
 * way the code is turned, and nearly so under a photo's perspective; a row of text rarely does.
 */
export function finderPatterns(picture: GreyPicture): FinderPattern[] {
  const { width, height } = picture;
  const bits = binarise(picture);
  const found: FinderPattern[] = [];
  for (const p of rowCandidates(bits, width, height)) {
    // Nested squares measure alike across and down, and alike along both diagonals, however turned.
    const across = crossing(bits, width, height, p, 1, 0);
    const down = crossing(bits, width, height, p, 0, 1);
    if (!alike(across, down) || !alike(crossing(bits, width, height, p, 1, 1), crossing(bits, width, height, p, 1, -1))) continue;
    const pattern = { ...p, module: (across + down) / 14 };
    if (printedContrast(picture, pattern) >= MIN_CONTRAST) found.push(pattern);
  }
  return found;
}

// The codes examflow prints carry at most "EXF1/" + a 64-character template id + "/999/999" at
// level M: versions 1 to 5, whose corner patterns sit 14 to 30 modules apart. The bounds leave
// room for a photo's perspective and for module sizes measured on a few pixels.
const LEG_MODULES = { min: 9, max: 48 };
const MAX_MODULE_RATIO = 2;
const MAX_LEG_RATIO = 1.5;
const MAX_CORNER_COS = 0.5; // 60°–120° at the corner

/** Whether three patterns sit as a code's do: alike in size, two equal-ish legs at about a right angle from the third. */
function codeCorner(corner: FinderPattern, a: FinderPattern, b: FinderPattern): boolean {
  const smallest = Math.min(corner.module, a.module, b.module);
  if (Math.max(corner.module, a.module, b.module) > MAX_MODULE_RATIO * smallest) return false;
  const module = (corner.module + a.module + b.module) / 3;
  const [ax, ay, bx, by] = [a.x - corner.x, a.y - corner.y, b.x - corner.x, b.y - corner.y];
  const legA = Math.hypot(ax, ay);
  const legB = Math.hypot(bx, by);
  const [shorter, longer] = legA < legB ? [legA, legB] : [legB, legA];
  if (longer > MAX_LEG_RATIO * shorter || shorter < LEG_MODULES.min * module || longer > LEG_MODULES.max * module) return false;
  return Math.abs(ax * bx + ay * by) <= MAX_CORNER_COS * legA * legB;
}

/**
 * False where no examflow sheet code can be: no three finder patterns placed as a code's. Bold
 * characters such as 回 show the pattern too, and a page of them (or a scan's speckle) often
 * shows three or more; a false "maybe" costs the full search (half a second of CPU), so their
 * sizes and places count. Each pattern is paired only with those within a code's reach of it.
 */
export function mayHoldQrCode(picture: GreyPicture): boolean {
  const found = finderPatterns(picture);
  for (const corner of found) {
    const reach = LEG_MODULES.max * MAX_MODULE_RATIO * corner.module;
    const near = found.filter((p) => p !== corner && Math.abs(p.x - corner.x) <= reach && Math.abs(p.y - corner.y) <= reach);
    for (let i = 0; i < near.length; i++) for (let j = i + 1; j < near.length; j++) if (codeCorner(corner, near[i]!, near[j]!)) return true;
  }
  return false;
}
