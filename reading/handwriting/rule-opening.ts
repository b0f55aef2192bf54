// Morphological opening of a binary mask by a 1×k (along rows) or k×1 (down columns) rectangle,
// by runs: a pixel survives where it lies in a run of set pixels at least k long. It gives the
// same pixels as OpenCV's morphologyEx(MORPH_OPEN) with that kernel and its defaults (anchor at
// the kernel's centre, floor(k/2); outside the picture counts as set while eroding and as unset
// while dilating, so a run that touches the edge needs only k − floor(k/2) pixels; an even k
// shifts the survivors by one pixel, as OpenCV's does). OpenCV's wasm build takes ~k operations
// a pixel, hundreds of ms on a page for the table finder's long kernels; this takes one.

/**
 * `mask` is 0 or non-zero per pixel, row-major `width`×`height`; the survivors are set to 255 in
 * `into` (a new zeroed mask when not given; given, the table finder gets both rules in one mask).
 */
export function openLines(
  mask: Uint8Array,
  width: number,
  height: number,
  k: number,
  along: 'rows' | 'columns',
  into: Uint8Array = new Uint8Array(mask.length),
): Uint8Array {
  const a = Math.floor(k / 2);
  const b = k - 1 - a;
  /** the run s..e (inclusive) of a line n long: mark what survives the opening, `step` apart from `base` */
  const keepRun = (base: number, step: number, s: number, e: number, n: number) => {
    // eroded: the window [y − a, y + b] inside the run (or past the edge)
    const p = s === 0 ? 0 : s + a;
    const q = e === n - 1 ? n - 1 : e - b;
    if (p > q) return;
    // dilated back: every x whose window [x − a, x + b] holds an eroded y
    const to = Math.min(n - 1, q + a);
    for (let x = Math.max(0, p - b); x <= to; x++) into[base + x * step] = 255;
  };
  if (along === 'rows') {
    for (let y = 0, base = 0; y < height; y++, base += width) {
      let x = 0;
      while (x < width) {
        if (mask[base + x] === 0) {
          x++;
          continue;
        }
        const s = x;
        while (x < width && mask[base + x] !== 0) x++;
        keepRun(base, 1, s, x - 1, width);
      }
    }
    return into;
  }
  // Down columns, but read row by row (a column walk strides the whole width at every pixel):
  // each column's open run starts where `start` says, and ends at its first unset pixel.
  const start = new Int32Array(width).fill(-1);
  for (let y = 0, i = 0; y < height; y++)
    for (let x = 0; x < width; x++, i++) {
      if (mask[i] !== 0) {
        if (start[x]! < 0) start[x] = y;
      } else if (start[x]! >= 0) {
        keepRun(x, width, start[x]!, y - 1, height);
        start[x] = -1;
      }
    }
  for (let x = 0; x < width; x++) if (start[x]! >= 0) keepRun(x, width, start[x]!, height - 1, height);
  return into;
}
