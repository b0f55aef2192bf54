import type { GreyImage } from './preprocess-skew';

// Tinted, shaded or greyish paper: estimate the paper's brightness everywhere (a bright
// percentile per block, so text does not count) and divide it out, which leaves ink on
// uniform white whatever the paper colour or lighting. Pure: greyscale pixels in and out.

const BLOCK = 32;

/** The paper brightness of each BLOCK×BLOCK cell: its 90th-percentile grey level. */
function blockBackground(img: GreyImage): { grid: Float64Array; cols: number; rows: number } {
  const cols = Math.ceil(img.width / BLOCK);
  const rows = Math.ceil(img.height / BLOCK);
  const grid = new Float64Array(cols * rows);
  const hist = new Uint32Array(256);
  for (let by = 0; by < rows; by++)
    for (let bx = 0; bx < cols; bx++) {
      hist.fill(0);
      let n = 0;
      for (let y = by * BLOCK; y < Math.min(img.height, (by + 1) * BLOCK); y++)
        for (let x = bx * BLOCK; x < Math.min(img.width, (bx + 1) * BLOCK); x++) {
          hist[img.data[y * img.width + x]!]! += 1;
          n += 1;
        }
      let seen = 0;
      let v = 255;
      for (; v > 0; v--) if ((seen += hist[v]!) >= n * 0.1) break;
      grid[by * cols + bx] = v;
    }
  return { grid: smoothMax(grid, cols, rows), cols, rows };
}

/** A block full of ink (a bold title) reads dark; its brighter neighbours tell the truth. */
function smoothMax(grid: Float64Array, cols: number, rows: number): Float64Array {
  const out = new Float64Array(grid.length);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < cols; x++) {
      let max = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < rows && xx >= 0 && xx < cols) max = Math.max(max, grid[yy * cols + xx]!);
        }
      out[y * cols + x] = max;
    }
  return out;
}

/**
 * The paper brightness at every pixel: the block grid, bilinearly interpolated. Column
 * weights are computed once and each pair of block rows is blended once per block row,
 * so the per-pixel work is two multiplications (this runs on ~5 MP per page).
 */
function backgroundRows(
  grid: Float64Array,
  cols: number,
  rows: number,
  width: number,
  height: number,
  each: (y: number, background: Float64Array) => void,
): void {
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const fxs = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const gx = Math.min(cols - 1, Math.max(0, x / BLOCK - 0.5));
    x0s[x] = Math.floor(gx);
    x1s[x] = Math.min(cols - 1, x0s[x]! + 1);
    fxs[x] = gx - x0s[x]!;
  }
  const blend = (gridRow: number, out: Float64Array) => {
    for (let x = 0; x < width; x++) out[x] = grid[gridRow * cols + x0s[x]!]! * (1 - fxs[x]!) + grid[gridRow * cols + x1s[x]!]! * fxs[x]!;
  };
  const top = new Float64Array(width);
  const bottom = new Float64Array(width);
  const background = new Float64Array(width);
  let blended = -1;
  for (let y = 0; y < height; y++) {
    const gy = Math.min(rows - 1, Math.max(0, y / BLOCK - 0.5));
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    if (y0 !== blended) {
      blend(y0, top);
      blend(Math.min(rows - 1, y0 + 1), bottom);
      blended = y0;
    }
    for (let x = 0; x < width; x++) background[x] = top[x]! * (1 - fy) + bottom[x]! * fy;
    each(y, background);
  }
}

/**
 * Divides the paper out and stretches contrast: paper becomes 255, grain lighter than
 * `whitePoint` of the paper is dropped, the darkest ink becomes 0.
 */
export function flattenBackground(img: GreyImage, whitePoint = 0.95): GreyImage {
  const { grid, cols, rows } = blockBackground(img);
  const ratio = new Float32Array(img.width * img.height);
  const hist = new Uint32Array(256);
  backgroundRows(grid, cols, rows, img.width, img.height, (y, background) => {
    for (let x = 0, i = y * img.width; x < img.width; x++, i++) {
      const r = Math.min(1, img.data[i]! / Math.max(1, background[x]!));
      ratio[i] = r;
      hist[(r * 255 + 0.5) | 0]! += 1; // Math.round, for r ≥ 0
    }
  });
  // Black point: the 0.2th percentile, so a few dark specks do not decide it.
  let seen = 0;
  let black = 0;
  for (; black < 255; black++) if ((seen += hist[black]!) >= ratio.length * 0.002) break;
  const lo = Math.min(black / 255, 0.5);
  const span = Math.max(0.1, whitePoint - lo);
  const data = new Uint8Array(ratio.length);
  for (let i = 0; i < ratio.length; i++) {
    const v = ((ratio[i]! - lo) / span) * 255;
    data[i] = v < 0 ? 0 : v > 255 ? 255 : (v + 0.5) | 0;
  }
  return { data, width: img.width, height: img.height };
}
