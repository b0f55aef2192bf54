import { loadOpenCv, withMats } from '../opencv';
import type { Point } from './homography';
import type { PageImage } from '../page-image';

// The page's outline: the largest bright quadrilateral in the picture (paper against a table),
// for when the corner markers cannot be found (covered by a thumb, cut off, smudged). On a scan
// whose page fills the image it is the image's own border.

const SMALL_LONG_SIDE = 400;

function otsu(values: Uint8Array): number {
  const hist = new Float64Array(256);
  for (const v of values) hist[v]!++;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    const wF = values.length - wB;
    if (wB === 0 || wF === 0) continue;
    sumB += t * hist[t]!;
    const between = wB * wF * (sumB / wB - (sum - sumB) / wF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** The page's four corners in image pixels, clockwise on screen, or null. */
export async function pageOutline(img: PageImage): Promise<Point[] | null> {
  const { cv } = await loadOpenCv();
  const step = Math.max(1, Math.round(Math.max(img.width, img.height) / SMALL_LONG_SIDE));
  const w = Math.floor(img.width / step);
  const h = Math.floor(img.height / step);
  const small = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) small[y * w + x] = img.data[y * step * img.width + x * step]!;
  const t = otsu(small);
  // a 1-px dark frame so that a page filling the picture still has a border to trace
  const mask = new Uint8Array((w + 2) * (h + 2));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (small[y * w + x]! > t) mask[(y + 1) * (w + 2) + x + 1] = 255;
  return withMats((keep) => {
    const src = keep(cv.matFromArray(h + 2, w + 2, cv.CV_8UC1, mask));
    const kernel = keep(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(5, 5)));
    cv.morphologyEx(src, src, cv.MORPH_CLOSE, kernel); // text and marks inside the page do not break it up
    const contours = keep(new cv.MatVector());
    const hierarchy = keep(new cv.Mat());
    cv.findContours(src, contours, hierarchy, cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE);
    let best: { i: number; area: number } | null = null;
    for (let i = 0; i < contours.size(); i++) {
      const c = contours.get(i);
      const area = cv.contourArea(c);
      c.delete();
      if (!best || area > best.area) best = { i, area };
    }
    if (!best || best.area < 0.15 * w * h) return null;
    const contour = keep(contours.get(best.i));
    const hull = keep(new cv.Mat());
    cv.convexHull(contour, hull, false, true);
    const poly = keep(new cv.Mat());
    const perimeter = cv.arcLength(hull, true);
    for (const eps of [0.02, 0.04, 0.06, 0.08]) {
      cv.approxPolyDP(hull, poly, eps * perimeter, true);
      if (poly.rows <= 4) break;
    }
    if (poly.rows !== 4) return null;
    const p = poly.data32S;
    const corners = [0, 1, 2, 3].map((k) => ({ x: (p[2 * k]! - 1 + 0.5) * step, y: (p[2 * k + 1]! - 1 + 0.5) * step }));
    const cx = corners.reduce((s, q) => s + q.x, 0) / 4;
    const cy = corners.reduce((s, q) => s + q.y, 0) / 4;
    return corners.sort((a, b) => Math.atan2(a.y - cy, a.x - cx) - Math.atan2(b.y - cy, b.x - cx));
  });
}
