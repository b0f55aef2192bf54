import jsQR, { type QRCode } from 'jsqr';
import { loadOpenCv, withMats } from '../opencv';
import { project, type Homography, type Point } from './homography';
import { codeRect } from '../../domain/sheet-layout';
import type { PageImage } from '../page-image';

// Decoding the sheet's QR code with jsQR (pure JavaScript, nothing to download). Where the page
// is already registered only the code's square is straightened and decoded (a few ms); without
// registration the whole picture is searched, which is slower and used only as a fallback.

const CROP_PX_PER_PT = 3;
const QUIET_PT = 6;

function rgba(grey: Uint8Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(grey.length * 4);
  for (let i = 0, j = 0; i < grey.length; i++, j += 4) {
    out[j] = out[j + 1] = out[j + 2] = grey[i]!;
    out[j + 3] = 255;
  }
  return out;
}

/** The code's text where the layout puts it under `h` (page pt → image px), or null. */
export async function decodeCodeAt(img: PageImage, h: Homography): Promise<string | null> {
  const { cv } = await loadOpenCv();
  const code = codeRect();
  const x0 = code.x - QUIET_PT;
  const y0 = code.y - QUIET_PT;
  const size = Math.round((code.size + 2 * QUIET_PT) * CROP_PX_PER_PT);
  const s = 1 / CROP_PX_PER_PT;
  // crop pixel (u, v) → page (x0 + u·s, y0 + v·s) → image: h · [s 0 x0; 0 s y0; 0 0 1]
  const m = [
    h[0]! * s,
    h[1]! * s,
    h[0]! * x0 + h[1]! * y0 + h[2]!,
    h[3]! * s,
    h[4]! * s,
    h[3]! * x0 + h[4]! * y0 + h[5]!,
    h[6]! * s,
    h[7]! * s,
    h[6]! * x0 + h[7]! * y0 + h[8]!,
  ];
  const crop = withMats((keep) => {
    const src = keep(cv.matFromArray(img.height, img.width, cv.CV_8UC1, img.data));
    const map = keep(cv.matFromArray(3, 3, cv.CV_64FC1, m));
    const out = keep(new cv.Mat());
    cv.warpPerspective(
      src,
      out,
      map,
      new cv.Size(size, size),
      cv.INTER_LINEAR | cv.WARP_INVERSE_MAP,
      cv.BORDER_CONSTANT,
      new cv.Scalar(255),
    );
    return new Uint8Array(out.data);
  });
  return jsQR(rgba(crop), size, size, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** Searches the whole picture for a QR code: its text and its four corners (TL, TR, BR, BL of the code). */
export function searchCode(img: PageImage): { text: string; corners: Point[] } | null {
  const found: QRCode | null = jsQR(rgba(img.data), img.width, img.height, { inversionAttempts: 'dontInvert' });
  if (!found) return null;
  const l = found.location;
  return { text: found.data, corners: [l.topLeftCorner, l.topRightCorner, l.bottomRightCorner, l.bottomLeftCorner] };
}

/** The code's corners on the page, in the order searchCode gives them. */
export function codeCornersOnPage(): Point[] {
  const c = codeRect();
  return [
    { x: c.x, y: c.y },
    { x: c.x + c.size, y: c.y },
    { x: c.x + c.size, y: c.y + c.size },
    { x: c.x, y: c.y + c.size },
  ];
}

/** Share of dark pixels in the code's square under `h`: high where the code is, low elsewhere. */
export function codeInkAt(img: PageImage, h: Homography, darkness: (x: number, y: number) => number): number {
  const c = codeRect();
  let dark = 0;
  let n = 0;
  for (let i = 0.5; i < 12; i++)
    for (let j = 0.5; j < 12; j++) {
      const p = project(h, c.x + (c.size * i) / 12, c.y + (c.size * j) / 12);
      if (darkness(p.x, p.y) > 0.4) dark++;
      n++;
    }
  return dark / n;
}
