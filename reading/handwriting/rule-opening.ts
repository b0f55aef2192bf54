// Morphological opening of a binary mask by a 1×k (along rows) or k×1 (down columns) rectangle,
// by runs: a pixel survives where it lies in a run of set pixels at least k long. It gives the
// same pixels as OpenCV's morphologyEx(MORPH_OPEN) with that kernel and its defaults (anchor at
// the kernel's centre, floor(k/2); outside the picture counts as set while eroding and as unset
// while dilating, so a run that touches the edge needs only k − floor(k/2) pixels; an even k
// shifts the survivors by one pixel, as OpenCV's does). OpenCV's wasm build takes ~k operations
// a pixel, hundreds of ms on a page for the table finder's long kernels; this takes one.

/** `mask` is 0 or non-zero per pixel, row-major `width`×`height`; the result is 0/255. */
export function openLines(mask: Uint8Array, width: number, height: number, k: number, along: 'rows' | 'columns'): Uint8Array {
  const out = new Uint8Array(mask.length);
  const rows = along === 'rows';
  const lines = rows ? height : width;
  const n = rows ? width : height;
  const step = rows ? 1 : width;
  const a = Math.floor(k / 2);
  const b = k - 1 - a;
  for (let line = 0; line < lines; line++) {
    const base = rows ? line * width : line;
    let i = 0;
    while (i < n) {
      if (mask[base + i * step] === 0) {
        i++;
        continue;
      }
      const s = i;
      while (i < n && mask[base + i * step] !== 0) i++;
      const e = i - 1;
      // eroded: the window [y − a, y + b] inside the run (or past the edge)
      const p = s === 0 ? 0 : s + a;
      const q = e === n - 1 ? n - 1 : e - b;
      if (p > q) continue;
      // dilated back: every x whose window [x − a, x + b] holds an eroded y
      const from = Math.max(0, p - b);
      const to = Math.min(n - 1, q + a);
      for (let x = from; x <= to; x++) out[base + x * step] = 255;
    }
  }
  return out;
}
