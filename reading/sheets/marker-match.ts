import sharp from 'sharp';
import { loadOpenCv, withMats, type CV } from '../opencv';
import type { Point } from './homography';

// Four copies of a sheet's own marker image, one in each quarter of a straightened page:
// normalised cross-correlation at a range of scales, the scale that matches best over the four
// quarters wins (a marker has one size on one sheet), and each quarter's best match gives its
// centre. The marker and the page are both lightly blurred so print texture and JPEG noise do
// not decide the match.

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}
export interface MarkerMatch {
  centres: Point[];
  scores: number[];
  markerWidth: number;
}

// Printed markers match at 0.6 and more on scans and photos (0.43 on a blurred dim corner); a page
// without them reaches ~0.35, and its best matches do not sit at the corners of a rectangle.
const MIN_SCORE = 0.4;
/** a quarter that matches much worse than the others holds no marker */
const MAX_SPREAD = 0.4;

export async function decodeMarker(image: Buffer): Promise<GreyImage> {
  const { data, info } = await sharp(image, { failOn: 'none' }).rotate().greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

function matOf(cv: CV, img: GreyImage) {
  return cv.matFromArray(img.height, img.width, cv.CV_8UC1, img.data);
}

/** Marker widths to try: around page width ÷ ratio when the ratio is known, else a wide range. */
function widthsToTry(pageWidth: number, widthRatio: number | undefined): number[] {
  const widths: number[] = [];
  if (widthRatio) {
    const expected = pageWidth / widthRatio;
    for (let s = 0.3; s <= 1.3001; s += 0.05) widths.push(expected * s);
  } else {
    for (let f = 1 / 60; f <= 1 / 5; f *= 1.08) widths.push(pageWidth * f);
  }
  return widths.filter((w) => w >= 8);
}

/**
 * Four markers sit near the page's corners: their quadrilateral spans most of the page and its
 * corners are near right angles. Matches scattered over a page without markers are not.
 */
function cornerShaped(c: Point[], width: number, height: number): boolean {
  const span = (a: number, b: number) => Math.abs(a - b);
  if (Math.min(span(c[1]!.x, c[0]!.x), span(c[2]!.x, c[3]!.x)) < 0.4 * width) return false;
  if (Math.min(span(c[3]!.y, c[0]!.y), span(c[2]!.y, c[1]!.y)) < 0.4 * height) return false;
  for (let i = 0; i < 4; i++) {
    const p = c[i]!;
    const a = c[(i + 3) % 4]!;
    const b = c[(i + 1) % 4]!;
    const cos =
      ((a.x - p.x) * (b.x - p.x) + (a.y - p.y) * (b.y - p.y)) / (Math.hypot(a.x - p.x, a.y - p.y) * Math.hypot(b.x - p.x, b.y - p.y));
    if (Math.abs(cos) > 0.35) return false; // more than ~20° from square
  }
  return true;
}

type Keep = <M extends { delete(): void }>(m: M) => M;
interface ScaleMatch {
  total: number;
  width: number;
  w: number;
  h: number;
  found: { x: number; y: number; score: number }[];
}

/** The four quarters of an image. */
function quartersOf(cv: CV, width: number, height: number) {
  const midX = Math.floor(width / 2);
  const midY = Math.floor(height / 2);
  return [
    new cv.Rect(0, 0, midX, midY),
    new cv.Rect(midX, 0, width - midX, midY),
    new cv.Rect(midX, midY, width - midX, height - midY),
    new cv.Rect(0, midY, midX, height - midY),
  ];
}

/** The marker widths (of those given) by how well they match over the four quarters of `src`, best first. */
function rankScales(
  cv: CV,
  keep: Keep,
  src: InstanceType<CV['Mat']>,
  mk: InstanceType<CV['Mat']>,
  aspect: number,
  widths: number[],
): ScaleMatch[] {
  const quarters = quartersOf(cv, src.cols, src.rows);
  const rois = quarters.map((r) => keep(src.roi(r)));
  const noMask = keep(new cv.Mat());
  const ranked: ScaleMatch[] = [];
  for (const width of widths) {
    const w = Math.round(width);
    const h = Math.max(3, Math.round(width * aspect));
    if (w < 4 || w >= quarters[0]!.width || h >= quarters[0]!.height) continue;
    const scaled = keep(new cv.Mat());
    cv.resize(mk, scaled, new cv.Size(w, h), 0, 0, cv.INTER_AREA);
    const found = rois.map((roi, i) => {
      const res = new cv.Mat();
      cv.matchTemplate(roi, scaled, res, cv.TM_CCOEFF_NORMED);
      const m = cv.minMaxLoc(res, noMask);
      res.delete();
      return { x: quarters[i]!.x + m.maxLoc.x, y: quarters[i]!.y + m.maxLoc.y, score: m.maxVal };
    });
    ranked.push({ total: found.reduce((sum, f) => sum + f.score, 0), width, w, h, found });
  }
  return ranked.sort((a, b) => b.total - a.total);
}

/**
 * The centres of the four markers (top-left, top-right, bottom-right, bottom-left) in `page`,
 * or the best scores seen when a quarter shows no marker. The scale is searched on a half-size
 * copy, its three best refined at full size.
 */
export async function matchMarkers(
  page: GreyImage,
  marker: GreyImage,
  widthRatio?: number,
): Promise<MarkerMatch | { failed: true; scores: number[] }> {
  const { cv } = await loadOpenCv();
  return withMats((keep) => {
    const src = keep(matOf(cv, page));
    cv.GaussianBlur(src, src, new cv.Size(3, 3), 0);
    const mk = keep(matOf(cv, marker));
    cv.GaussianBlur(mk, mk, new cv.Size(3, 3), 0);
    const half = keep(new cv.Mat());
    cv.resize(src, half, new cv.Size(Math.round(page.width / 2), Math.round(page.height / 2)), 0, 0, cv.INTER_AREA);
    const aspect = marker.height / marker.width;
    const coarse = rankScales(
      cv,
      keep,
      half,
      mk,
      aspect,
      widthsToTry(page.width, widthRatio).map((w) => w / 2),
    ).slice(0, 3);
    const best = rankScales(
      cv,
      keep,
      src,
      mk,
      aspect,
      coarse.flatMap((c) => [0.96, 1, 1.04].map((f) => f * c.width * 2)),
    )[0];
    if (!best) return { failed: true, scores: [0, 0, 0, 0] };
    const scores = best.found.map((f) => Math.round(f.score * 1000) / 1000);
    const top = Math.max(...scores);
    if (scores.some((s) => s < MIN_SCORE || top - s > MAX_SPREAD)) return { failed: true, scores };
    const centres = best.found.map((f) => ({ x: f.x + best.w / 2, y: f.y + best.h / 2 }));
    if (!cornerShaped(centres, page.width, page.height)) return { failed: true, scores };
    return { centres, scores, markerWidth: best.width };
  });
}
