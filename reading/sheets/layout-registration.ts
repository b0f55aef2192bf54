import { homography, project, type Homography, type Point } from './homography';
import { decodeMarker, matchMarkers, type GreyImage } from './marker-match';
import { loadOpenCv, withMats } from '../opencv';
import { pageOutline } from './outline';
import type { PageImage } from '../page-image';
import { SheetNotFoundError } from '../errors';
import type { Layout, RegistrationStep } from '../../domain/omr-layout';
import { matchFeatures } from './feature-match';
import sharp from 'sharp';

// Brings a page of a third-party sheet onto its layout's frame: a homography from frame pixels
// to picture pixels. The registration steps run in order, each inside the region the step
// before found: the page's outline (the same outline examflow's own sheets fall back on), the
// corner markers matched inside it, or the reference scan's features. The last region's corners are the frame's corners.
// Without steps the whole picture is the frame.

type LayoutRegistrationMethod = 'none' | 'outline' | 'markers' | 'features';
export interface LayoutRegistration {
  h: Homography;
  method: LayoutRegistrationMethod;
  markerScores?: number[];
}

/** A region of the picture: its own width and height, and where its points lie in the picture. */
interface Region {
  width: number;
  height: number;
  toImage: Homography;
  corners: Point[];
}

const WORK_LONG_SIDE = 1000;
const rectCorners = (w: number, h: number): Point[] => [
  { x: 0, y: 0 },
  { x: w, y: 0 },
  { x: w, y: h },
  { x: 0, y: h },
];
const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

async function regionOf(corners: Point[]): Promise<Region> {
  // the straightened region is as large as its longer opposite sides, like a scanner's crop
  const width = Math.max(dist(corners[0]!, corners[1]!), dist(corners[3]!, corners[2]!));
  const height = Math.max(dist(corners[0]!, corners[3]!), dist(corners[1]!, corners[2]!));
  return { width, height, corners, toImage: await homography(rectCorners(width, height), corners) };
}

/** The region straightened into a grey image at most WORK_LONG_SIDE px long. */
async function straighten(img: PageImage, region: Region): Promise<{ grey: GreyImage; scale: number }> {
  const { cv } = await loadOpenCv();
  const scale = Math.min(1, WORK_LONG_SIDE / Math.max(region.width, region.height));
  const w = Math.max(1, Math.round(region.width * scale));
  const h = Math.max(1, Math.round(region.height * scale));
  const g = region.toImage;
  const m = [g[0]! / scale, g[1]! / scale, g[2]!, g[3]! / scale, g[4]! / scale, g[5]!, g[6]! / scale, g[7]! / scale, g[8]!];
  const data = withMats((keep) => {
    const src = keep(cv.matFromArray(img.height, img.width, cv.CV_8UC1, img.data));
    const map = keep(cv.matFromArray(3, 3, cv.CV_64FC1, m));
    const out = keep(new cv.Mat());
    cv.warpPerspective(src, out, map, new cv.Size(w, h), cv.INTER_AREA | cv.WARP_INVERSE_MAP, cv.BORDER_REPLICATE);
    return new Uint8Array(out.data);
  });
  return { grey: { data, width: w, height: h }, scale };
}

function assetBytes(layout: Layout, name: string): Buffer {
  const url = layout.assets?.[name];
  if (!url) throw new SheetNotFoundError(`the layout names a marker image "${name}" it does not carry`);
  return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

/** The grey pixels of an asset, at most WORK_LONG_SIDE px long. */
async function assetImage(layout: Layout, name: string, longSide = Infinity): Promise<GreyImage> {
  const full = await decodeMarker(assetBytes(layout, name));
  const scale = Math.min(1, longSide / Math.max(full.width, full.height));
  if (scale === 1) return full;
  const { data, info } = await sharp(Buffer.from(full.data), { raw: { width: full.width, height: full.height, channels: 1 } })
    .resize(Math.round(full.width * scale), Math.round(full.height * scale), { kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** The four marker centres, in the picture, found inside `region`. */
async function byMarkers(
  img: PageImage,
  region: Region,
  layout: Layout,
  step: Extract<RegistrationStep, { method: 'markers' }>,
): Promise<{ corners: Point[]; scores: number[] }> {
  const { grey, scale } = await straighten(img, region);
  const found = await matchMarkers(grey, await decodeMarker(assetBytes(layout, step.marker)), step.widthRatio);
  if ('failed' in found) {
    throw new SheetNotFoundError(
      `the sheet's four corner markers were not all found (match per corner ${found.scores.join(', ')}; at least 0.4 each, near the four corners): scan or photograph the whole sheet flat, with all four markers visible and unmarked`,
    );
  }
  return { corners: found.centres.map((c) => project(region.toImage, c.x / scale, c.y / scale)), scores: found.scores };
}

/** The reference scan's corners, in the picture, by its features matched inside `region`. */
async function byFeatures(
  img: PageImage,
  region: Region,
  layout: Layout,
  step: Extract<RegistrationStep, { method: 'features' }>,
): Promise<Point[]> {
  const { grey, scale } = await straighten(img, region);
  const reference = await assetImage(layout, step.reference, WORK_LONG_SIDE);
  const found = await matchFeatures(reference, grey);
  if ('failed' in found) {
    throw new SheetNotFoundError(
      `this page does not match the layout's reference scan (${found.inliers} features agree, 25 needed): check that the exam's template is this sheet's, and scan or photograph the whole sheet flat and in focus`,
    );
  }
  return rectCorners(reference.width, reference.height).map((c) => {
    const p = project(found.h, c.x, c.y);
    return project(region.toImage, p.x / scale, p.y / scale);
  });
}

export async function registerLayout(img: PageImage, layout: Layout): Promise<LayoutRegistration> {
  let region = await regionOf(rectCorners(img.width, img.height));
  let method: LayoutRegistrationMethod = 'none';
  let markerScores: number[] | undefined;
  const steps = layout.registration ?? [];
  for (const [i, step] of steps.entries()) {
    if (step.method === 'outline') {
      const quad = await pageOutline(img);
      // a page filling the picture has no outline to find: the markers or features after it still register it
      if (!quad && i + 1 < steps.length) continue;
      if (!quad)
        throw new SheetNotFoundError(
          "the sheet's outline could not be found: photograph or scan the whole page against a darker background, with all four edges visible",
        );
      region = await regionOf(quad);
    } else if (step.method === 'markers') {
      const found = await byMarkers(img, region, layout, step);
      region = await regionOf(found.corners);
      markerScores = found.scores;
    } else {
      region = await regionOf(await byFeatures(img, region, layout, step));
    }
    method = step.method;
  }
  const h = await homography(rectCorners(layout.frame.width, layout.frame.height), region.corners);
  return { h, method, ...(markerScores ? { markerScores } : {}) };
}
