// Skew estimation by projection profiles: when the page is rotated back by the right angle,
// text lines fall into few rows, so the row histogram of ink pixels is at its most peaked
// (largest sum of squares). Pure: works on a greyscale pixel array.

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Ink pixel coordinates (centred), sampled every `stride` pixels so a page stays ~50k points. */
function inkPoints(img: GreyImage, threshold: number, stride: number): { xs: Float64Array; ys: Float64Array } {
  const xs: number[] = [];
  const ys: number[] = [];
  const cx = img.width / 2;
  const cy = img.height / 2;
  for (let y = 0; y < img.height; y += stride)
    for (let x = 0; x < img.width; x += stride)
      if (img.data[y * img.width + x]! < threshold) {
        xs.push(x - cx);
        ys.push(y - cy);
      }
  return { xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
}

function profileScore(xs: Float64Array, ys: Float64Array, degrees: number, rows: Int32Array, offset: number, binSize: number): number {
  const t = (degrees * Math.PI) / 180;
  const sin = Math.sin(t);
  const cos = Math.cos(t);
  rows.fill(0);
  for (let i = 0; i < xs.length; i++) {
    const row = Math.round((ys[i]! * cos - xs[i]! * sin) / binSize) + offset;
    if (row >= 0 && row < rows.length) rows[row]! += 1;
  }
  let score = 0;
  for (let i = 0; i < rows.length; i++) score += rows[i]! * rows[i]!;
  return score;
}

/** A pixel darker than this is ink. */
const INK_BELOW = 128;

/**
 * The angle in degrees (clockwise positive, sharp's convention) the content is rotated by,
 * within ±maxDegrees; rotating by minus this angle straightens the page. 0 when the page
 * has too little ink to tell.
 */
export function estimateSkew(img: GreyImage, options: { maxDegrees?: number } = {}): number {
  const max = options.maxDegrees ?? 6;
  const stride = Math.max(1, Math.round(Math.sqrt((img.width * img.height) / 1_500_000)));
  const { xs, ys } = inkPoints(img, INK_BELOW, stride);
  if (xs.length < 200) return 0;
  const binSize = stride;
  const diagonal = Math.ceil(Math.hypot(img.width, img.height) / binSize);
  const rows = new Int32Array(diagonal + 2);
  const offset = Math.floor(diagonal / 2) + 1;
  const search = (from: number, to: number, step: number): number => {
    let best = 0;
    let bestScore = -1;
    for (let a = from; a <= to + 1e-9; a += step) {
      const s = profileScore(xs, ys, a, rows, offset, binSize);
      if (s > bestScore) [best, bestScore] = [a, s];
    }
    return best;
  };
  // Coarse, then fine around the best coarse angle.
  const coarse = search(-max, max, 0.25);
  const fine = search(coarse - 0.25, coarse + 0.25, 0.02);
  return Math.round(fine * 100) / 100;
}
