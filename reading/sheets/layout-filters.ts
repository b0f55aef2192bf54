import { loadOpenCv, withMats } from '../opencv';
import { pageImageOf, type PageImage } from '../page-image';
import type { LayoutFilter } from '../../domain/omr-layout';

// A layout's filters (OMRChecker's GaussianBlur, MedianBlur and Levels), run on the page before
// registration and reading. Kernel sizes are in the picture's working pixels.

function levels(data: Uint8Array, low: number, high: number, gamma = 1): void {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const t = Math.min(1, Math.max(0, (v / 255 - low) / (high - low)));
    lut[v] = Math.round(255 * t ** (1 / gamma));
  }
  for (let i = 0; i < data.length; i++) data[i] = lut[data[i]!]!;
}

export async function applyFilters(img: PageImage, filters: LayoutFilter[] | undefined): Promise<PageImage> {
  if (!filters?.length) return img;
  const { cv } = await loadOpenCv();
  const data = new Uint8Array(img.data);
  for (const f of filters) {
    if (f.op === 'levels') {
      levels(data, f.low, f.high, f.gamma);
      continue;
    }
    withMats((keep) => {
      const mat = keep(cv.matFromArray(img.height, img.width, cv.CV_8UC1, data));
      const out = keep(new cv.Mat());
      if (f.op === 'gaussianBlur') cv.GaussianBlur(mat, out, new cv.Size(f.kernel, f.kernel), f.sigma ?? 0);
      else cv.medianBlur(mat, out, f.kernel);
      data.set(out.data);
    });
  }
  return pageImageOf(data, img.width, img.height);
}
