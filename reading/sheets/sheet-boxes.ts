import sharp from 'sharp';

// An answer box cut out of a sheet, made ready for OCR: uneven light flattened, the printed
// frame and question number removed, binarised to black writing on white; and an empty box
// told apart without asking the recogniser (which reads noise as text).

/** Share of each side cut off, so the printed frame never reaches the recogniser. */
const FRAME_X = 0.02;
const FRAME_Y = 0.1;
/** The question number is printed small in the box's top-left corner. */
const LABEL_W = 0.06;
const LABEL_H = 0.45;
/** Darker than this share of the local background is writing. */
const INK_RATIO = 0.5;
/** A box with less than this share of writing pixels is empty (one written "1" is ~0.6%, shadow speckle up to ~0.3%). */
const INK_SHARE = 0.004;

export interface PreparedBox {
  /** black writing on white, PNG; null when the box is empty */
  png: Buffer | null;
  inkShare: number;
}

export async function prepareBox(png: Buffer): Promise<PreparedBox> {
  const meta = await sharp(png).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const left = Math.round(width * FRAME_X);
  const top = Math.round(height * FRAME_Y);
  const w = width - 2 * left;
  const h = height - 2 * top;
  if (w < 8 || h < 8) return { png: null, inkShare: 0 };
  // A median filter first: shadows stretched by the crop's normalisation leave speckle, not strokes.
  const inner = sharp(png).extract({ left, top, width: w, height: h }).greyscale().median(5);
  // The local background: the box blurred far wider than any stroke.
  const [pixels, background] = await Promise.all([
    inner.clone().raw().toBuffer(),
    inner
      .clone()
      .blur(Math.max(4, h / 3))
      .raw()
      .toBuffer(),
  ]);
  const out = Buffer.alloc(w * h, 255);
  const labelW = Math.round(width * LABEL_W) - left;
  const labelH = Math.round(height * LABEL_H) - top;
  let ink = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x < labelW && y < labelH) continue;
      if (pixels[i]! < background[i]! * INK_RATIO) {
        out[i] = 0;
        ink += 1;
      }
    }
  }
  const inkShare = ink / (w * h);
  if (inkShare < INK_SHARE) return { png: null, inkShare };
  // A white border around the writing, as tesseract reads best.
  const clean = await sharp(out, { raw: { width: w, height: h, channels: 1 } })
    .extend({ top: 16, bottom: 16, left: 16, right: 16, background: '#ffffff' })
    .png()
    .toBuffer();
  return { png: clean, inkShare };
}
