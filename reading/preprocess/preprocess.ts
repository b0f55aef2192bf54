import sharp, { type Metadata, type Sharp } from 'sharp';
import { BadInputError } from '../../domain/bad-input';
import { flattenBackground } from './preprocess-background';
import { estimateSkew, type GreyImage } from './preprocess-skew';
import { MAX_PAGE_PIXELS, pageImageFormats } from '../../domain/page-rules';

export type { GreyImage } from './preprocess-skew';

// Every page is a new image: libvips' operation cache would only hold memory.
sharp.cache(false);

// Everything done to a page image before recognition, so tesseract sees upright, straight,
// black-on-white text at a size it reads well, whatever the phone or scanner delivered:
// EXIF orientation -> grey -> size normalisation -> paper/tint removal and contrast ->
// deskew (±5°). Rejects what is not an image, or is a decompression bomb.

/** domain/page-rules.ts says what a page may be. */
export const MAX_INPUT_PIXELS = MAX_PAGE_PIXELS;
const FORMATS = new Set(pageImageFormats);
/**
 * Page width tesseract reads well. An A4 page at 150 dpi (1240 px, ~28 px CJK characters) is
 * enlarged to ~225 dpi: dense Han characters are misread markedly less often.
 */
const MIN_WIDTH = 1800;
const SMALL_TARGET = 1860;
const MAX_WIDTH = 2480;
const MAX_SKEW = 5;

export interface Preprocessed {
  /** grey pixels, handed to tesseract as PGM: no PNG encode and decode on the way */
  image: GreyImage;
  /** the skew found and removed, degrees clockwise */
  skew: number;
}

/** Checks that `image` is a readable, not absurdly large, not tiny image; returns its upright size. */
async function checkImage(image: Buffer, what: string): Promise<{ width: number; height: number }> {
  const notImage = () => new BadInputError(`${what} is not a readable image (PNG, JPEG, WebP or TIFF expected)`);
  if (!Buffer.isBuffer(image) || image.length === 0) throw notImage();
  if (image.subarray(0, 5).toString('latin1') === '%PDF-') {
    throw new BadInputError(`${what} is not a readable image but a PDF: upload it through POST /v1/exams, which splits it into pages`);
  }
  let meta: Metadata;
  try {
    meta = await sharp(image, { limitInputPixels: false }).metadata();
  } catch {
    throw notImage();
  }
  if (!meta.format || !FORMATS.has(meta.format)) throw notImage();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new BadInputError(
      `${what} is ${width}×${height} pixels (${Math.round((width * height) / 1e6)} megapixels), more than the ${MAX_INPUT_PIXELS / 1e6} megapixel limit: scan at 300 dpi or less`,
    );
  }
  if (width < 200) throw new BadInputError(`${what} is too small to read (${width} px wide): scan or photograph the whole page`);
  return { width, height };
}

/** Upright greyscale pixels at a width OCR reads well. */
async function uprightGrey(image: Buffer, width: number): Promise<GreyImage> {
  let img = sharp(image, { limitInputPixels: MAX_INPUT_PIXELS }).rotate().flatten({ background: '#ffffff' }).greyscale();
  if (width < MIN_WIDTH) img = img.resize({ width: SMALL_TARGET });
  else if (width > MAX_WIDTH) img = img.resize({ width: MAX_WIDTH });
  return rawGrey(img);
}

function toSharp(img: GreyImage): Sharp {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: 1 },
  });
}

/** The page as tesseract should see it. `what` names the page in error messages. */
export async function preprocessPage(image: Buffer, what: string): Promise<Preprocessed> {
  const { width } = await checkImage(image, what);
  let grey: GreyImage;
  try {
    grey = await uprightGrey(image, width);
  } catch (err) {
    if (/pixel limit/i.test(String((err as Error).message)))
      throw new BadInputError(`${what} has more than ${MAX_INPUT_PIXELS / 1e6} megapixels: scan at 300 dpi or less`);
    throw new BadInputError(`${what} is not a readable image (PNG, JPEG, WebP or TIFF expected)`);
  }
  grey = flattenBackground(grey);
  const skew = estimateSkew(grey, { maxDegrees: MAX_SKEW });
  // Below 0.1° rotating would only blur the glyphs.
  const straight = Math.abs(skew) >= 0.1 ? await rawGrey(toSharp(grey).rotate(-skew, { background: '#ffffff' })) : grey;
  return { image: straight, skew };
}

async function rawGrey(img: Sharp): Promise<GreyImage> {
  const { data, info } = await img.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Upright grey pixels at a width OCR reads well, without the page clean-up (an answer box cut out of a sheet). */
export async function uprightPage(image: Buffer, what: string): Promise<GreyImage> {
  const { width } = await checkImage(image, what);
  return uprightGrey(image, width);
}

/** Binary PGM (P5): the cheapest image format tesseract's Leptonica reads. */
export function toPgm(img: GreyImage): Buffer {
  return Buffer.concat([
    Buffer.from(`P5\n${img.width} ${img.height}\n255\n`, 'latin1'),
    Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length),
  ]);
}
