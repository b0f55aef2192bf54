import { loadOpenCv, withMats } from '../opencv';
import type { GreyImage } from './marker-match';
import type { Homography } from './homography';

// Registration by the features of a reference scan (a blank or filled copy of the sheet): ORB
// keypoints on both, matches kept when clearly better than their runner-up, and a homography
// from the reference to the page through RANSAC, which ignores the pencil marks and the
// background that differ between the two.

const FEATURES = 3000;
const RATIO = 0.75;
const MIN_INLIERS = 25;

export interface FeatureMatch {
  h: Homography;
  inliers: number;
  matches: number;
}

export async function matchFeatures(
  reference: GreyImage,
  page: GreyImage,
): Promise<FeatureMatch | { failed: true; matches: number; inliers: number }> {
  const { cv } = await loadOpenCv();
  return withMats((keep) => {
    const orb = keep(new cv.ORB(FEATURES));
    const noMask = keep(new cv.Mat());
    const detect = (img: GreyImage) => {
      const mat = keep(cv.matFromArray(img.height, img.width, cv.CV_8UC1, img.data));
      const points = keep(new cv.KeyPointVector());
      const descriptors = keep(new cv.Mat());
      orb.detectAndCompute(mat, noMask, points, descriptors);
      return { points, descriptors };
    };
    const ref = detect(reference);
    const seen = detect(page);
    if (ref.descriptors.rows < MIN_INLIERS || seen.descriptors.rows < MIN_INLIERS) return { failed: true, matches: 0, inliers: 0 };
    const matcher = keep(new cv.BFMatcher(cv.NORM_HAMMING, false));
    const knn = keep(new cv.DMatchVectorVector());
    matcher.knnMatch(ref.descriptors, seen.descriptors, knn, 2);
    const from: number[] = [];
    const to: number[] = [];
    for (let i = 0; i < knn.size(); i++) {
      const pair = knn.get(i);
      if (pair.size() === 2 && pair.get(0).distance < RATIO * pair.get(1).distance) {
        const a = ref.points.get(pair.get(0).queryIdx).pt;
        const b = seen.points.get(pair.get(0).trainIdx).pt;
        from.push(a.x, a.y);
        to.push(b.x, b.y);
      }
      pair.delete();
    }
    const matches = from.length / 2;
    if (matches < MIN_INLIERS) return { failed: true, matches, inliers: 0 };
    const src = keep(cv.matFromArray(matches, 1, cv.CV_32FC2, from));
    const dst = keep(cv.matFromArray(matches, 1, cv.CV_32FC2, to));
    const inlierMask = keep(new cv.Mat());
    const h = keep(cv.findHomography(src, dst, cv.RANSAC, 4, inlierMask));
    const inliers = inlierMask.rows ? cv.countNonZero(inlierMask) : 0;
    if (h.rows !== 3 || inliers < MIN_INLIERS) return { failed: true, matches, inliers };
    return { h: Array.from(h.data64F), inliers, matches };
  });
}
