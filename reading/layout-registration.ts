import { homography, project, type Homography, type Point } from './homography';
import { decodeMarker, matchMarkers, type GreyImage } from './marker-match';
import { loadOpenCv, withMats } from './opencv';
import { pageOutline } from './outline';
import type { PageImage } from './page-image';
import { SheetNotFoundError } from './errors';
import type { Layout } from '../domain/omr-layout';

// Brings a page of a third-party sheet onto its layout's frame: a homography from frame pixels
// to picture pixels. The registration steps run in order, each inside the region the step
// before found: the page's outline (the same outline examflow's own sheets fall back on), then
// the corner markers matched inside it. The last region's corners are the frame's corners.
// Without steps the whole picture is the frame.

export type LayoutRegistrationMethod = 'none' | 'outline' | 'markers';
export interface LayoutRegistration { h: Homography; method: LayoutRegistrationMethod; markerScores?: number[] }

/** A region of the picture: its own width and height, and where its points lie in the picture. */
interface Region { width: number; height: number; toImage: Homography; corners: Point[] }

const WORK_LONG_SIDE = 1000;
const rectCorners = (w: number, h: number): Point[] => [{ x: 0, y: 0 }, { x: w, y: 0 }, { x: w, y: h }, { x: 0, y: h }];
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

export async function registerLayout(img: PageImage, layout: Layout): Promise<LayoutRegistration> {
  let region = await regionOf(rectCorners(img.width, img.height));
  let method: LayoutRegistrationMethod = 'none';
  let markerScores: number[] | undefined;
  for (const step of layout.registration ?? []) {
    if (step.method === 'outline') {
      const quad = await pageOutline(img);
      if (!quad) throw new SheetNotFoundError("the sheet's outline could not be found: photograph or scan the whole page against a darker background, with all four edges visible");
      region = await regionOf(quad);
      method = 'outline';
    } else {
      const { grey, scale } = await straighten(img, region);
      const found = await matchMarkers(grey, await decodeMarker(assetBytes(layout, step.marker)), step.widthRatio);
      if ('failed' in found) {
        throw new SheetNotFoundError(
          `the sheet's four corner markers were not all found (match per corner ${found.scores.join(', ')}; at least 0.5 each, near the four corners): scan or photograph the whole sheet flat, with all four markers visible and unmarked`,
        );
      }
      const corners = found.centres.map((c) => project(region.toImage, c.x / scale, c.y / scale));
      region = await regionOf(corners);
      method = 'markers';
      markerScores = found.scores;
    }
  }
  const h = await homography(rectCorners(layout.frame.width, layout.frame.height), region.corners);
  return { h, method, ...(markerScores ? { markerScores } : {}) };
}
