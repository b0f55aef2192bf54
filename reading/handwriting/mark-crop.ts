// From the grey image of one answer cell to what the classifier sees: the handwriting alone
// (grid-line fragments at the cell's edges and specks removed), as 28×28 glyphs scaled to a
// 20-pixel box and centred, the way MNIST is drawn. Training runs every generated sample
// through the same function, so the classifier learns exactly what it is given at run time.

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export const GLYPH_SIZE = 28;
const GLYPH_BOX = 20;
const BAND = 0.15; // share of the cell at each edge where printed lines may reach in
const LINE_COVER = 0.8; // a row/column in the band inked this much is a grid line

export interface CellInk {
  /** inked share of the cell after clean-up */
  ink: number;
  /** the whole mark (one glyph: a letter, √, ×, 对) */
  whole: Float32Array | null;
  /** left to right, one glyph per group of strokes that overlap horizontally (AC, 12) */
  parts: Float32Array[];
}

export function readCellInk(img: GreyImage): CellInk {
  const { width: w, height: h } = img;
  const dark = darkness(img);
  const mask = inkMask(dark, w, h);
  clearEdgeLines(mask, w, h);
  const boxes = keepStrokes(mask, w, h);
  let area = 0;
  for (const v of mask) area += v;
  const ink = area / (w * h);
  if (boxes.length === 0 || area < Math.max(6, 0.006 * w * h)) return { ink, whole: null, parts: [] };
  const whole = glyph(dark, mask, w, union(boxes));
  const parts = groupColumns(boxes).map((b) => glyph(dark, mask, w, b));
  return { ink, whole, parts };
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

/** 0 (paper) to 1 (black), relative to this cell's own paper (its bright pixels). */
function darkness(img: GreyImage): Float32Array {
  const sorted = Uint8Array.from(img.data).sort();
  const paper = Math.max(60, sorted[Math.floor(sorted.length * 0.9)]!);
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, paper - img.data[i]!) / paper;
  return out;
}

function inkMask(dark: Float32Array, w: number, h: number): Uint8Array {
  // The threshold follows the writing, measured inside the cell: a printed rule at the edge is
  // often far darker than pencil.
  const inner: number[] = [];
  const bx = Math.round(w * BAND),
    by = Math.round(h * BAND);
  for (let y = by; y < h - by; y++) for (let x = bx; x < w - bx; x++) inner.push(dark[y * w + x]!);
  const sorted = inner.length ? inner.sort((a, b) => a - b) : Array.from(dark).sort((a, b) => a - b);
  const strong = sorted[Math.floor(sorted.length * 0.995)]!;
  const threshold = Math.max(0.1, 0.38 * strong);
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) mask[i] = dark[i]! > threshold ? 1 : 0;
  return mask;
}

/** Rows and columns near the edges that are almost fully inked are the printed grid. */
function clearEdgeLines(mask: Uint8Array, w: number, h: number): void {
  const bandY = Math.max(2, Math.round(h * BAND));
  const bandX = Math.max(2, Math.round(w * BAND));
  for (let y = 0; y < h; y++) {
    if (y >= bandY && y < h - bandY) continue;
    let n = 0;
    for (let x = 0; x < w; x++) n += mask[y * w + x]!;
    if (n > LINE_COVER * w) for (let x = 0; x < w; x++) mask[y * w + x] = 0;
  }
  for (let x = 0; x < w; x++) {
    if (x >= bandX && x < w - bandX) continue;
    let n = 0;
    for (let y = 0; y < h; y++) n += mask[y * w + x]!;
    if (n > LINE_COVER * h) for (let y = 0; y < h; y++) mask[y * w + x] = 0;
  }
}

/**
 * Connected strokes (8-neighbour); specks and fragments lying wholly in the edge band (what is
 * left of a grid line after a slant) are cleared from the mask. Returns the kept strokes' boxes.
 */
function keepStrokes(mask: Uint8Array, w: number, h: number): Box[] {
  const label = new Int32Array(w * h);
  const kept: Box[] = [];
  const minArea = Math.max(4, 0.002 * w * h);
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || label[start]) continue;
    next++;
    const pixels: number[] = [];
    const box: Box = { x0: w, y0: h, x1: -1, y1: -1, area: 0 };
    stack.push(start);
    label[start] = next;
    while (stack.length) {
      const p = stack.pop()!;
      pixels.push(p);
      const x = p % w;
      const y = (p - x) / w;
      box.x0 = Math.min(box.x0, x);
      box.x1 = Math.max(box.x1, x);
      box.y0 = Math.min(box.y0, y);
      box.y1 = Math.max(box.y1, y);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx,
            ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const q = ny * w + nx;
          if (mask[q] && !label[q]) {
            label[q] = next;
            stack.push(q);
          }
        }
    }
    box.area = pixels.length;
    if (box.area >= minArea && !inEdgeBand(box, w, h)) kept.push(box);
    else for (const p of pixels) mask[p] = 0;
  }
  return kept;
}

function inEdgeBand(b: Box, w: number, h: number): boolean {
  const bx = w * 0.12,
    by = h * 0.12;
  const thin = Math.min(b.x1 - b.x0, b.y1 - b.y0) <= Math.max(3, 0.08 * Math.min(w, h));
  const edge = b.y1 < by || b.y0 > h - 1 - by || b.x1 < bx || b.x0 > w - 1 - bx;
  const along = thin && (b.y0 <= 1 || b.y1 >= h - 2 || b.x0 <= 1 || b.x1 >= w - 2);
  return edge || along;
}

function union(boxes: Box[]): Box {
  return boxes.reduce((u, b) => ({
    x0: Math.min(u.x0, b.x0),
    y0: Math.min(u.y0, b.y0),
    x1: Math.max(u.x1, b.x1),
    y1: Math.max(u.y1, b.y1),
    area: u.area + b.area,
  }));
}

/** Strokes whose columns overlap (or nearly touch) belong to one character. */
function groupColumns(boxes: Box[]): Box[] {
  const sorted = [...boxes].sort((a, b) => a.x0 - b.x0);
  const height = union(boxes).y1 - union(boxes).y0 + 1;
  const groups: Box[] = [];
  for (const b of sorted) {
    const last = groups[groups.length - 1];
    if (last && b.x0 <= last.x1 + Math.max(1, 0.08 * height)) groups[groups.length - 1] = union([last, b]);
    else groups.push({ ...b });
  }
  return groups;
}

/** The inked part of `box`, contrast-normalised, scaled into a 20-px box centred in 28×28. */
function glyph(dark: Float32Array, mask: Uint8Array, w: number, box: Box): Float32Array {
  const bw = box.x1 - box.x0 + 1,
    bh = box.y1 - box.y0 + 1;
  const values: number[] = [];
  for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) if (mask[y * w + x]) values.push(dark[y * w + x]!);
  values.sort((a, b) => a - b);
  const full = Math.max(0.2, values[Math.floor(values.length * 0.9)] ?? 1);
  const scale = GLYPH_BOX / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * scale)),
    oh = Math.max(1, Math.round(bh * scale));
  const ox = Math.floor((GLYPH_SIZE - ow) / 2),
    oy = Math.floor((GLYPH_SIZE - oh) / 2);
  const out = new Float32Array(GLYPH_SIZE * GLYPH_SIZE);
  const SS = 4; // samples per output pixel and axis: an area average, so thin strokes survive
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      let sum = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++) {
          const srcX = Math.min(box.x1, box.x0 + Math.floor(((x + (sx + 0.5) / SS) / ow) * bw));
          const srcY = Math.min(box.y1, box.y0 + Math.floor(((y + (sy + 0.5) / SS) / oh) * bh));
          const i = srcY * w + srcX;
          if (mask[i]) sum += Math.min(1, dark[i]! / full);
        }
      out[(oy + y) * GLYPH_SIZE + ox + x] = sum / (SS * SS);
    }
  return out;
}
