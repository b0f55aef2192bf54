import sharp from 'sharp';
import { SheetNotFoundError } from './errors';

// A page image as the reader works on it: one channel at a bounded size, plus an estimate of
// the paper's local brightness so that shadows, tinted light and grey copies all read alike.
//
// The red channel is used: the sheet prints its bubbles in red, which almost vanishes there,
// while graphite, markers and the code stay dark. A grey photocopy simply has equal channels.

const WORK_LONG_SIDE = 1600;
const BLOCK = 16; // px per cell of the background estimate

export interface PageImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** the paper's brightness per BLOCK×BLOCK cell, smoothed (bgCols × bgRows) */
  bg: Float32Array;
  bgCols: number;
  bgRows: number;
}

export async function decodePage(image: Buffer): Promise<PageImage> {
  const { data, width, height } = await decodeGrey(image);
  return pageImageOf(data, width, height);
}

/** The picture's grey pixels at working size, without the paper's brightness (decodePage adds it). */
export async function decodeGrey(image: Buffer): Promise<{ data: Uint8Array; width: number; height: number }> {
  let raw: { data: Buffer; info: { width: number; height: number } };
  try {
    // rotate() applies the EXIF orientation a phone records; the resize lets libjpeg decode at a
    // fraction of a 12 MP photo's size, which is most of the cost of reading one.
    raw = await sharp(image, { failOn: 'none', limitInputPixels: 100_000_000 })
      .rotate()
      .resize(WORK_LONG_SIDE, WORK_LONG_SIDE, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' })
      .toColourspace('srgb')
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new SheetNotFoundError(
      `the image could not be decoded (${err instanceof Error ? err.message : String(err)}): upload a PNG, JPEG, WebP or TIFF photo or scan`,
    );
  }
  const { width, height } = raw.info;
  return { data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length), width, height };
}

/** A page image from grey pixels already at working size (after filters changed them). */
export function pageImageOf(data: Uint8Array, width: number, height: number): PageImage {
  return { data, width, height, ...paperBrightness(data, width, height) };
}

/**
 * The paper's brightness around each cell: the brightest quarter-cell mean in the cell, then
 * the brightest of its neighbours (so a mark or marker smaller than two cells does not pull
 * it down), then a 3×3 mean to smooth it.
 */
function paperBrightness(data: Uint8Array, width: number, height: number): { bg: Float32Array; bgCols: number; bgRows: number } {
  const cols = Math.ceil(width / BLOCK);
  const rows = Math.ceil(height / BLOCK);
  const half = BLOCK / 2;
  const subCols = Math.ceil(width / half);
  const subRows = Math.ceil(height / half);
  const sums = new Float32Array(subCols * subRows);
  const counts = new Uint16Array(subCols * subRows);
  for (let y = 0; y < height; y++) {
    const row = ((y / half) | 0) * subCols;
    const off = y * width;
    for (let sc = 0, x = 0; sc < subCols; sc++) {
      const end = Math.min(x + half, width);
      let sum = 0;
      for (; x < end; x++) sum += data[off + x]!;
      sums[row + sc]! += sum;
      counts[row + sc]! += end - sc * half;
    }
  }
  const cell = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let best = 0;
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const sr = r * 2 + dy;
          const sc = c * 2 + dx;
          if (sr < subRows && sc < subCols) best = Math.max(best, sums[sr * subCols + sc]! / counts[sr * subCols + sc]!);
        }
      cell[r * cols + c] = best;
    }
  }
  const grown = neighbourhood(cell, cols, rows, 2, Math.max);
  const bg = neighbourhood(grown, cols, rows, 1, null);
  for (let i = 0; i < bg.length; i++) bg[i] = Math.max(bg[i]!, 24);
  return { bg, bgCols: cols, bgRows: rows };
}

/** Max (op) or mean (null) over a (2k+1)² neighbourhood. */
function neighbourhood(
  src: Float32Array,
  cols: number,
  rows: number,
  k: number,
  op: ((a: number, b: number) => number) | null,
): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let acc = op ? 0 : 0;
      let n = 0;
      for (let dr = -k; dr <= k; dr++) {
        const rr = r + dr;
        if (rr < 0 || rr >= rows) continue;
        for (let dc = -k; dc <= k; dc++) {
          const cc = c + dc;
          if (cc < 0 || cc >= cols) continue;
          const v = src[rr * cols + cc]!;
          acc = op ? op(acc, v) : acc + v;
          n++;
        }
      }
      out[r * cols + c] = op ? acc : acc / n;
    }
  }
  return out;
}

/** The paper's brightness at a pixel (bilinear between cell centres). */
function paperAt(img: PageImage, x: number, y: number): number {
  const fx = Math.min(Math.max(x / BLOCK - 0.5, 0), img.bgCols - 1);
  const fy = Math.min(Math.max(y / BLOCK - 0.5, 0), img.bgRows - 1);
  const c0 = fx | 0;
  const r0 = fy | 0;
  const c1 = Math.min(c0 + 1, img.bgCols - 1);
  const r1 = Math.min(r0 + 1, img.bgRows - 1);
  const ax = fx - c0;
  const ay = fy - r0;
  const b = img.bg;
  const top = b[r0 * img.bgCols + c0]! * (1 - ax) + b[r0 * img.bgCols + c1]! * ax;
  const bottom = b[r1 * img.bgCols + c0]! * (1 - ax) + b[r1 * img.bgCols + c1]! * ax;
  return top * (1 - ay) + bottom * ay;
}

/** Darkness at a pixel relative to the paper around it: 0 = paper, 1 = black (bilinear). */
export function darknessAt(img: PageImage, x: number, y: number): number {
  if (x < 0 || y < 0 || x > img.width - 1 || y > img.height - 1) return 0;
  const x0 = x | 0;
  const y0 = y | 0;
  const x1 = Math.min(x0 + 1, img.width - 1);
  const y1 = Math.min(y0 + 1, img.height - 1);
  const ax = x - x0;
  const ay = y - y0;
  const d = img.data;
  const w = img.width;
  const v = (d[y0 * w + x0]! * (1 - ax) + d[y0 * w + x1]! * ax) * (1 - ay) + (d[y1 * w + x0]! * (1 - ax) + d[y1 * w + x1]! * ax) * ay;
  const dark = 1 - v / paperAt(img, x, y);
  return dark < 0 ? 0 : dark;
}

/** Pixels darker than `level` relative to the paper, as a 0/255 mask (for contours). */
export function darkMask(img: PageImage, level: number): Uint8Array {
  const mask = new Uint8Array(img.width * img.height);
  for (let y = 0; y < img.height; y++) {
    for (let cx = 0; cx < img.bgCols; cx++) {
      // the paper level changes slowly: one value per cell along the row is enough
      const x0 = cx * BLOCK;
      const x1 = Math.min(x0 + BLOCK, img.width);
      const limit = paperAt(img, x0 + BLOCK / 2, y) * (1 - level);
      const off = y * img.width;
      for (let x = x0; x < x1; x++) if (img.data[off + x]! < limit) mask[off + x] = 255;
    }
  }
  return mask;
}
