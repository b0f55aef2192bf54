import { loadOpenCv, withMats } from '../opencv';

// A plane-to-plane mapping (page points → image pixels) as 9 numbers, row-major.
export type Homography = number[];
export interface Point {
  x: number;
  y: number;
}

export async function homography(from: Point[], to: Point[]): Promise<Homography> {
  const { cv } = await loadOpenCv();
  return withMats((keep) => {
    const src = keep(
      cv.matFromArray(
        from.length,
        1,
        cv.CV_32FC2,
        from.flatMap((p) => [p.x, p.y]),
      ),
    );
    const dst = keep(
      cv.matFromArray(
        to.length,
        1,
        cv.CV_32FC2,
        to.flatMap((p) => [p.x, p.y]),
      ),
    );
    const m = keep(from.length === 4 ? cv.getPerspectiveTransform(src, dst) : cv.findHomography(src, dst, 0));
    if (m.rows !== 3) throw new Error('no homography through these points');
    return Array.from(m.data64F);
  });
}

export function project(h: Homography, x: number, y: number): Point {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return { x: (h[0]! * x + h[1]! * y + h[2]!) / w, y: (h[3]! * x + h[4]! * y + h[5]!) / w };
}

/** Pixels per point around (x, y): how large the page appears there. */
export function scaleAt(h: Homography, x: number, y: number): number {
  const a = project(h, x, y);
  const b = project(h, x + 10, y);
  const c = project(h, x, y + 10);
  return Math.sqrt(Math.hypot(b.x - a.x, b.y - a.y) * Math.hypot(c.x - a.x, c.y - a.y)) / 10;
}
