import sharp from 'sharp';

// An answer box cut out of a sheet, made ready for OCR: the printed frame trimmed away, and
// an empty box told apart without asking the recogniser (which reads noise as text).

/** Share of each side cut off, so the printed frame never reaches the recogniser. */
const FRAME_MARGIN = 0.08;
/** A box with less than this share of dark pixels inside its frame is empty. */
const INK_SHARE = 0.004;

export interface PreparedBox {
  /** the box's inside, grey PNG; null when the box is empty */
  png: Buffer | null;
  inkShare: number;
}

export async function prepareBox(png: Buffer): Promise<PreparedBox> {
  const meta = await sharp(png).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const dx = Math.round(width * FRAME_MARGIN);
  const dy = Math.round(height * FRAME_MARGIN * 2); // boxes are wide: the same frame is a larger share of the height
  if (width - 2 * dx < 4 || height - 2 * dy < 4) return { png: null, inkShare: 0 };
  const inner = sharp(png).extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).greyscale();
  const { data } = await inner.clone().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const v of data) if (v < 110) dark += 1;
  const inkShare = dark / data.length;
  if (inkShare < INK_SHARE) return { png: null, inkShare };
  // A white border around the text, as tesseract reads best.
  const padded = await inner.extend({ top: 12, bottom: 12, left: 12, right: 12, background: '#ffffff' }).png().toBuffer();
  return { png: padded, inkShare };
}
