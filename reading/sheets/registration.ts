import { homography, project, scaleAt, type Homography, type Point } from './homography';
import { chooseMarkers, markerCandidates, type MarkerCandidate } from './markers';
import { codeCornersOnPage, codeInkAt, decodeCodeAt, searchCode } from './qr';
import { darkMask, darknessAt, type PageImage } from '../page-image';
import { codeRect, MARKER_SIZE, markerRects, PAGE_HEIGHT, PAGE_WIDTH } from '../../domain/sheet-layout';
import { pageOutline } from './outline';

// Where the sheet is in the picture: a homography from page points to image pixels, how it was
// found, and the sheet's code when it could be read. First the four corner markers (their
// arrangement gives the page up to a half turn; the code's corner settles which way is up); when
// markers are missing or covered, the QR code found anywhere in the picture with the markers
// near where it predicts them, or the page's outline turned by the code.

export interface Registration {
  h: Homography;
  method: 'markers' | 'outline' | 'code';
  rotation: 0 | 90 | 180 | 270;
  code: string | null;
  /** what was seen, for an error message a teacher can act on */
  seen: { markers: number; code: boolean };
}

const MARKER_CENTRES: Point[] = markerRects().map((m) => ({ x: m.x + m.size / 2, y: m.y + m.size / 2 }));
const MARK_LEVEL = 0.45;

function codeCentre(): Point {
  const c = codeRect();
  return { x: c.x + c.size / 2, y: c.y + c.size / 2 };
}

function rotationOf(h: Homography): 0 | 90 | 180 | 270 {
  const a = project(h, 300, 420);
  const b = project(h, 310, 420);
  const deg = (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
  return ((((Math.round(deg / 90) * 90) % 360) + 360) % 360) as 0 | 90 | 180 | 270;
}

/**
 * Registration from four known page points seen clockwise on screen (the markers, or the page's
 * corners): the two turns that fit the page's shape, the code decides.
 */
async function fromQuad(
  img: PageImage,
  quad: Point[],
  onPage: Point[],
  method: 'markers' | 'outline',
  onlyWithCode = false,
): Promise<Registration | null> {
  const markers = method === 'markers' ? 4 : 0;
  const d = (i: number) => Math.hypot(quad[i]!.x - quad[(i + 1) % 4]!.x, quad[i]!.y - quad[(i + 1) % 4]!.y);
  // the page's top edge (TL→TR) is a short side
  const first = d(0) + d(2) < d(1) + d(3) ? 0 : 1;
  const options: { h: Homography; ink: number }[] = [];
  for (const k of [first, first + 2]) {
    const to = [0, 1, 2, 3].map((j) => quad[(j + k) % 4]!);
    const h = await homography(onPage, to);
    options.push({ h, ink: codeInkAt(img, h, (x, y) => darknessAt(img, x, y)) });
  }
  options.sort((a, b) => b.ink - a.ink); // the code's square is about half dark; elsewhere there is little ink
  for (const option of options) {
    const code = await decodeCodeAt(img, option.h);
    if (code) return { h: option.h, method, rotation: rotationOf(option.h), code, seen: { markers, code: true } };
  }
  if (onlyWithCode) return null;
  // The code's square did not decode on its own (small or blurred): search the whole picture for
  // it, and keep the turn that puts the layout's code where it was found.
  const found = searchCode(img);
  if (found) {
    const centre = { x: found.corners.reduce((s, p) => s + p.x, 0) / 4, y: found.corners.reduce((s, p) => s + p.y, 0) / 4 };
    const code = codeCentre();
    const off = (h: Homography) => {
      const p = project(h, code.x, code.y);
      return Math.hypot(p.x - centre.x, p.y - centre.y);
    };
    const h = off(options[0]!.h) <= off(options[1]!.h) ? options[0]!.h : options[1]!.h;
    return { h, method, rotation: rotationOf(h), code: found.text, seen: { markers, code: true } };
  }
  const h = options[0]!.h;
  return { h, method, rotation: rotationOf(h), code: null, seen: { markers, code: false } };
}

/** The candidates closest to where `h` predicts each marker, within `tolerance` px. */
function markersNear(h: Homography, candidates: MarkerCandidate[], tolerance: number): { pageMarkers: Point[]; seenMarkers: Point[] } {
  const pageMarkers: Point[] = [];
  const seenMarkers: Point[] = [];
  for (const centre of MARKER_CENTRES) {
    const p = project(h, centre.x, centre.y);
    const near = candidates
      .filter((c) => Math.hypot(c.x - p.x, c.y - p.y) < tolerance)
      .sort((a, b) => Math.hypot(a.x - p.x, a.y - p.y) - Math.hypot(b.x - p.x, b.y - p.y))[0];
    if (near) {
      pageMarkers.push(centre);
      seenMarkers.push(near);
    }
  }
  return { pageMarkers, seenMarkers };
}

/** Registration from the code alone, refined by whichever markers sit near where it predicts them. */
async function fromCode(img: PageImage, candidates: MarkerCandidate[]): Promise<Registration | null> {
  const found = searchCode(img);
  if (!found) return null;
  const coarse = await homography(codeCornersOnPage(), found.corners);
  const tolerance = Math.hypot(found.corners[0]!.x - found.corners[2]!.x, found.corners[0]!.y - found.corners[2]!.y) * 0.6;
  const { pageMarkers, seenMarkers } = markersNear(coarse, candidates, tolerance);
  const markers = pageMarkers.length;
  // The code's corners are the least precise points (jsQR estimates them), its centre is good:
  // four markers alone, three with the code's centre, fewer with all of the code's corners.
  const qrCentre = { x: found.corners.reduce((s, p) => s + p.x, 0) / 4, y: found.corners.reduce((s, p) => s + p.y, 0) / 4 };
  let h = coarse;
  if (markers === 4) h = await homography(pageMarkers, seenMarkers);
  else if (markers === 3) h = await homography([...pageMarkers, codeCentre()], [...seenMarkers, qrCentre]);
  else if (markers > 0) h = await homography([...codeCornersOnPage(), ...pageMarkers], [...found.corners, ...seenMarkers]);
  return { h, method: 'code', rotation: rotationOf(h), code: found.text, seen: { markers, code: true } };
}

/**
 * Sets of four markers ordered by how well each blob's size agrees with the size the page's
 * perspective predicts at its corner: a square on the table or a clump of the code's modules
 * stands out, as it is not the size a marker would have there.
 */
async function byFit(quads: Point[][]): Promise<Point[][]> {
  const scored: { quad: Point[]; misfit: number }[] = [];
  for (const quad of quads) {
    const h = await homography(MARKER_CENTRES, quad);
    const misfit = Math.max(
      ...quad.map((p, i) => {
        const expected = (scaleAt(h, MARKER_CENTRES[i]!.x, MARKER_CENTRES[i]!.y) * MARKER_SIZE) ** 2;
        return Math.abs(Math.log((p as MarkerCandidate).area / expected));
      }),
    );
    scored.push({ quad, misfit });
  }
  return scored.sort((a, b) => a.misfit - b.misfit).map((s) => s.quad);
}

const PAGE_CORNERS: Point[] = [
  { x: 0, y: 0 },
  { x: PAGE_WIDTH, y: 0 },
  { x: PAGE_WIDTH, y: PAGE_HEIGHT },
  { x: 0, y: PAGE_HEIGHT },
];

export async function registerSheet(img: PageImage): Promise<Registration | { failed: true; seen: { markers: number; code: boolean } }> {
  const candidates = await markerCandidates(img, darkMask(img, MARK_LEVEL));
  const quads = await byFit(chooseMarkers(candidates));
  // the set of markers whose code decodes where they predict it, else the best fitting set
  for (const quad of quads) {
    const confirmed = await fromQuad(img, quad, MARKER_CENTRES, 'markers', true);
    if (confirmed) return confirmed;
  }
  if (quads.length > 0) return (await fromQuad(img, quads[0]!, MARKER_CENTRES, 'markers'))!;
  // markers missing: the code with at least three markers, else the page's outline, else the code alone
  const byCode = await fromCode(img, candidates);
  if (byCode && byCode.seen.markers >= 3) return byCode;
  const outline = await pageOutline(img);
  if (outline) {
    const byOutline = (await fromQuad(img, outline, PAGE_CORNERS, 'outline'))!;
    if (byOutline.code) {
      // the page's corners are rounded off by the outline; markers that are visible pin it down
      const { pageMarkers, seenMarkers } = markersNear(byOutline.h, candidates, scaleAt(byOutline.h, 300, 420) * 30);
      const h =
        pageMarkers.length > 0
          ? await homography(
              [...PAGE_CORNERS, ...pageMarkers],
              [...outline.map((_, i) => project(byOutline.h, PAGE_CORNERS[i]!.x, PAGE_CORNERS[i]!.y)), ...seenMarkers],
            )
          : byOutline.h;
      return { ...byOutline, h, seen: { markers: pageMarkers.length, code: true } };
    }
  }
  if (byCode) return byCode;
  return { failed: true, seen: { markers: Math.min(candidates.length, 4), code: false } };
}
