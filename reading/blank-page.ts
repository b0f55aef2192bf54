import sharp from 'sharp';

// Whether a scanned page is blank (the back of a sheet, a separator, an empty page a
// duplex scanner adds). Cheap: a small grey copy of the page inside its margins (scanner
// edges and shadows live there), and the share of pixels clearly darker than the paper.

const SIDE = 480;
const MARGIN = 0.05;
/** darker than the paper by this much counts as ink */
const INK_BELOW_PAPER = 70;
/** a page with less ink than this share has nothing on it to read */
const BLANK_INK_SHARE = 0.002;

export async function inkShare(image: Buffer): Promise<number> {
  const { data, info } = await sharp(image, { failOn: 'none', limitInputPixels: 100_000_000 })
    .rotate()
    .greyscale()
    .resize(SIDE, SIDE, { fit: 'inside' })
    .median(3) // scanner grain is single pixels; print and pencil strokes are not
    .raw()
    .toBuffer({ resolveWithObject: true });
  const x0 = Math.round(info.width * MARGIN);
  const y0 = Math.round(info.height * MARGIN);
  const histogram = new Uint32Array(256);
  for (let y = y0; y < info.height - y0; y++) for (let x = x0; x < info.width - x0; x++) histogram[data[y * info.width + x]!]! += 1;
  const total = histogram.reduce((s, n) => s + n, 0);
  // The paper: the brightness at the 60th percentile (most of any page is paper).
  let seen = 0;
  let paper = 255;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen >= total * 0.6) {
      paper = v;
      break;
    }
  }
  let ink = 0;
  for (let v = 0; v < Math.max(0, paper - INK_BELOW_PAPER); v++) ink += histogram[v]!;
  return total > 0 ? ink / total : 0;
}

export async function isBlankPage(image: Buffer): Promise<boolean> {
  return (await inkShare(image)) < BLANK_INK_SHARE;
}
