import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { closeSharedBrowser, sharedBrowser } from '../lib/documents/browser';
import { BadInputError } from '../domain/bad-input';
import { MAX_INPUT_PIXELS, preprocessPage } from '../reading/preprocess/preprocess';
import { flattenBackground } from '../reading/preprocess/preprocess-background';
import { estimateSkew } from '../reading/preprocess/preprocess-skew';
import { checkPdfPageSizes, isPdf, openPdf, renderPdf } from '../lib/documents/pdf-pages';
import { expandPdfPages } from '../api/exams/uploads';
import { degradePage } from './fixtures/degrade';

// Image clean-up before OCR, on synthetic pages drawn with sharp (no browser, no OCR),
// and the PDF split on a PDF printed by Chromium.

after(() => closeSharedBrowser());

/** A text page: 24 lines of dark text on white, 1240×1754 like an A4 scan at 150 dpi. */
async function textPage(): Promise<Buffer> {
  const lines = Array.from(
    { length: 24 },
    (_, i) =>
      `<text x="100" y="${140 + i * 62}" font-size="30" font-family="DejaVu Sans">${i + 1}. The quick brown fox jumps over the lazy dog ( B )</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754"><rect width="100%" height="100%" fill="#fff"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function rotated(png: Buffer, degrees: number): Promise<Buffer> {
  return sharp(png).rotate(degrees, { background: '#ffffff' }).png().toBuffer();
}

async function grey(png: Buffer) {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

test('deskew finds a known rotation within 0.5° and straightens the page', async () => {
  const page = await textPage();
  assert.ok(Math.abs(estimateSkew(await grey(page))) < 0.1, 'a straight page has no skew');
  for (const angle of [3, -2.2, 4.6, -0.8]) {
    const result = await preprocessPage(await rotated(page, angle), 'page 1');
    assert.ok(Math.abs(result.skew - angle) <= 0.5, `rotated by ${angle}°, found ${result.skew}°`);
    // After the correction no skew is left.
    assert.ok(Math.abs(estimateSkew(result.image)) <= 0.5, `residual skew after correcting ${angle}°`);
  }
});

test('a degraded scan (tint, shading, noise, blur, JPEG) comes out straight on white paper', async () => {
  const { image, degradation } = await degradePage(await textPage(), 42, { angle: -2.5 });
  const result = await preprocessPage(image, 'page 1');
  assert.ok(Math.abs(result.skew - degradation.angle) <= 0.5, `found ${result.skew}°, rotated by ${degradation.angle}°`);
  const { data } = result.image;
  const paper = [...data].filter((v) => v > 128);
  const mean = paper.reduce((s, v) => s + v, 0) / paper.length;
  assert.ok(mean > 248, `paper is white after clean-up (mean ${mean.toFixed(1)})`);
});

test('tinted, unevenly lit paper is divided out; ink stays dark', () => {
  const width = 256;
  const height = 256;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = 200 - Math.round((x + y) / 10); // tinted, shaded paper
  for (let x = 20; x < 230; x++) for (let y = 120; y < 126; y++) data[y * width + x] = 40; // a stroke of ink
  const flat = flattenBackground({ data, width, height });
  assert.equal(flat.data[10 * width + 10], 255);
  assert.equal(flat.data[240 * width + 240], 255);
  assert.ok(flat.data[122 * width + 128]! < 60, 'ink remains dark');
});

test('EXIF orientation is applied before anything else', async () => {
  const page = await textPage();
  // Stored sideways with orientation 6 ("rotate 90° clockwise to view"), as phones do.
  const sideways = await sharp(page).rotate(-90).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const result = await preprocessPage(sideways, 'page 1');
  assert.ok(result.image.height > result.image.width, `upright portrait page, got ${result.image.width}×${result.image.height}`);
  assert.ok(Math.abs(result.skew) < 0.5);
});

test('size normalisation: a small photo is enlarged to a width OCR reads well', async () => {
  const small = await sharp(await textPage())
    .resize({ width: 800 })
    .png()
    .toBuffer();
  assert.equal((await preprocessPage(small, 'page 1')).image.width, 1860);
});

test('decompression bombs and non-images are a BadInputError with a clear message', async () => {
  const side = Math.ceil(Math.sqrt(MAX_INPUT_PIXELS)) + 100;
  const bomb = await sharp({ create: { width: side, height: side, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  await assert.rejects(preprocessPage(bomb, 'page 3'), (err: unknown) => {
    assert.ok(err instanceof BadInputError);
    assert.match(err.message, /page 3 is \d+×\d+ pixels .*more than the 60 megapixel limit/);
    return true;
  });
  await assert.rejects(preprocessPage(Buffer.from('hello'), 'page 1'), /page 1 is not a readable image/);
});

async function printedPdf(pages: number): Promise<Buffer> {
  const browser = await sharedBrowser();
  const tab = await browser.newPage();
  try {
    const body = Array.from({ length: pages }, (_, i) => `<div style="page-break-after:always;font-size:40px">Page ${i + 1}</div>`).join(
      '',
    );
    await tab.setContent(`<!doctype html><html><body>${body}</body></html>`);
    return Buffer.from(await tab.pdf({ format: 'A4' }));
  } finally {
    await tab.close();
  }
}

/** A PDF's pages as the API renders them (the page count is checked by the upload: see below). */
async function pdfPages(pdf: Buffer): Promise<Buffer[]> {
  const file = await openPdf(pdf);
  try {
    await checkPdfPageSizes(file);
    return await renderPdf(file);
  } finally {
    await file.dispose();
  }
}

test('a PDF is split into one 150 dpi PNG per page, in order; too many pages is refused', async () => {
  const pdf = await printedPdf(3);
  assert.ok(isPdf(pdf));
  const pages = await pdfPages(pdf);
  assert.equal(pages.length, 3);
  for (const png of pages) {
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.ok(Math.abs(meta.width - 1240) <= 2, `A4 at 150 dpi, got ${meta.width}`);
  }
  await assert.rejects(pdfPages(Buffer.from('%PDF-1.4 broken')), BadInputError);

  // At upload: images keep their place, a PDF becomes its pages where it stood.
  const png = await textPage();
  const file = (buffer: Buffer, originalname: string) => ({
    buffer,
    originalname,
    size: buffer.length,
    mimetype: 'application/octet-stream',
  });
  const expanded = await expandPdfPages([file(png, 'cover.png'), file(pdf, 'exam.pdf'), file(png, 'last.png')], 20);
  assert.deepEqual(
    expanded.map((f) => f.originalname),
    ['cover.png', 'exam.pdf page 1', 'exam.pdf page 2', 'exam.pdf page 3', 'last.png'],
  );
  await assert.rejects(expandPdfPages([file(png, 'a.png'), file(pdf, 'exam.pdf')], 3), (err: unknown) => {
    assert.equal((err as { status: number }).status, 400);
    assert.equal((err as { code: string }).code, 'too_many_pages');
    return true;
  });
});
