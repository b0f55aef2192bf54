import { loadOpenCv, withMats } from '../opencv';
import type { Point } from './homography';
import { MARKER_INSET, MARKER_SIZE, PAGE_HEIGHT, PAGE_WIDTH } from '../../domain/sheet-layout';
import type { PageImage } from '../page-image';

// The four solid corner squares (all contours, not only outer ones: on a dark table the page is
// a hole in one big dark blob).  Candidates are dark blobs that are square-ish (a square seen at
// an angle is still a convex quadrilateral filling its rotated bounding box), solid (the QR's
// finder patterns have a white ring inside) and of a plausible size; the four that span the
// largest quadrilateral of the page's proportions are the markers.

export interface MarkerCandidate {
  x: number;
  y: number;
  area: number;
}

export async function markerCandidates(img: PageImage, mask: Uint8Array): Promise<MarkerCandidate[]> {
  const { cv } = await loadOpenCv();
  const longSide = Math.max(img.width, img.height);
  // the page spans at least a third of the picture's long side, at most all of it
  const minSide = (MARKER_SIZE / PAGE_HEIGHT) * longSide * 0.3;
  const maxSide = (MARKER_SIZE / PAGE_WIDTH) * longSide * 1.3;
  return withMats((keep) => {
    const src = keep(cv.matFromArray(img.height, img.width, cv.CV_8UC1, mask));
    const contours = keep(new cv.MatVector());
    const hierarchy = keep(new cv.Mat());
    cv.findContours(src, contours, hierarchy, cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE);
    const out: MarkerCandidate[] = [];
    for (let i = 0; i < contours.size(); i++) {
      const c = contours.get(i);
      try {
        const bounds = cv.boundingRect(c);
        if (bounds.width < minSide * 0.7 || bounds.height < minSide * 0.7 || bounds.width > maxSide * 1.5 || bounds.height > maxSide * 1.5)
          continue;
        const area = cv.contourArea(c);
        if (area < minSide * minSide || area > maxSide * maxSide) continue;
        // a square at an angle is a convex quadrilateral; a disc is not (π/4 of any box around it)
        const poly = keep(new cv.Mat());
        cv.approxPolyDP(c, poly, 0.06 * cv.arcLength(c, true), true);
        if (poly.rows !== 4 || !cv.isContourConvex(poly)) continue;
        const quadArea = cv.contourArea(poly);
        if (quadArea / area < 0.85 || quadArea / area > 1.18) continue;
        const p = poly.data32S;
        const sides = [0, 1, 2, 3].map((k) => Math.hypot(p[2 * k]! - p[2 * ((k + 1) % 4)]!, p[2 * k + 1]! - p[2 * ((k + 1) % 4) + 1]!));
        if (Math.max(...sides) / Math.min(...sides) > 2.2) continue;
        let dark = 0;
        for (let y = bounds.y; y < bounds.y + bounds.height; y++)
          for (let x = bounds.x; x < bounds.x + bounds.width; x++) if (mask[y * img.width + x]) dark++;
        if (dark / area < 0.88) continue; // hollow: a QR finder pattern, a box
        const m = cv.moments(c, false);
        out.push({ x: m.m10 / m.m00, y: m.m01 / m.m00, area });
      } finally {
        c.delete();
      }
    }
    return out;
  });
}

const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** The corners ordered clockwise on screen (y down), starting anywhere; null if not convex. */
function convexOrder(points: Point[]): Point[] | null {
  const cx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const cy = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sorted = [...points].sort((a, b) => Math.atan2(a.y - cy, a.x - cx) - Math.atan2(b.y - cy, b.x - cx));
  for (let i = 0; i < 4; i++) if (cross(sorted[i]!, sorted[(i + 1) % 4]!, sorted[(i + 2) % 4]!) <= 0) return null;
  return sorted;
}

function quadArea(q: Point[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) s += q[i]!.x * q[(i + 1) % 4]!.y - q[(i + 1) % 4]!.x * q[i]!.y;
  return Math.abs(s) / 2;
}

const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
// the markers' centres span this rectangle on the page
const MARKER_SPAN_W = PAGE_WIDTH - 2 * MARKER_INSET - MARKER_SIZE;
const MARKER_SPAN_H = PAGE_HEIGHT - 2 * MARKER_INSET - MARKER_SIZE;

/**
 * Sets of four markers, clockwise on screen, most likely first. Each is a corner of the page up to a turn:
 * which corner is the page's top left is for the code to tell.
 */
export function chooseMarkers(candidates: MarkerCandidate[]): Point[][] {
  const pool = [...candidates].sort((a, b) => b.area - a.area).slice(0, 14);
  const expected = MARKER_SPAN_W / MARKER_SPAN_H;
  const found: { quad: Point[]; score: number }[] = [];
  for (let a = 0; a < pool.length; a++)
    for (let b = a + 1; b < pool.length; b++)
      for (let c = b + 1; c < pool.length; c++)
        for (let d = c + 1; d < pool.length; d++) {
          const four = [pool[a]!, pool[b]!, pool[c]!, pool[d]!];
          const areas = four.map((p) => p.area);
          if (Math.max(...areas) / Math.min(...areas) > 6) continue; // near corners look larger in a tilted photo
          const quad = convexOrder(four);
          if (!quad) continue;
          // opposite sides similar (a tilt of 15–20° changes them by well under a factor of 2)
          const sides = [0, 1, 2, 3].map((i) => dist(quad[i]!, quad[(i + 1) % 4]!));
          if (Math.max(sides[0]!, sides[2]!) / Math.min(sides[0]!, sides[2]!) > 2) continue;
          if (Math.max(sides[1]!, sides[3]!) / Math.min(sides[1]!, sides[3]!) > 2) continue;
          const ratio = Math.min(sides[0]! + sides[2]!, sides[1]! + sides[3]!) / Math.max(sides[0]! + sides[2]!, sides[1]! + sides[3]!);
          if (Math.abs(ratio - expected) > 0.22) continue;
          // the markers are ~3% of the span: their size must agree with the distance between them
          const span = Math.sqrt(quadArea(quad));
          const side = Math.sqrt(areas.reduce((s, v) => s + v, 0) / 4);
          const relative = side / span / (MARKER_SIZE / Math.sqrt(MARKER_SPAN_W * MARKER_SPAN_H));
          if (relative < 0.55 || relative > 1.8) continue;
          found.push({ quad, score: quadArea(quad) });
        }
  // largest first: the markers sit at the page's corners, so anything else spans less, except
  // a square on the table beside the page, which the caller's check with the code rules out
  return found
    .sort((a, b) => b.score - a.score)
    .slice(0, 4)
    .map((f) => f.quad);
}
