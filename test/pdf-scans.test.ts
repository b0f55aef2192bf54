import './helpers/env';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { openPdf } from '../lib/documents/pdf-pages';
import { scanPages } from '../lib/documents/pdf-scans';
import { closeSharedBrowser, sharedBrowser } from '../lib/documents/browser';
import { blankScan } from './fixtures/class-stack';
import { scannedStackPdf } from './fixtures/scan-pdf';

// A copier's scan gives back its own pictures, byte for byte; a PDF with text on a page is drawn.

after(() => closeSharedBrowser());

test('a scanned PDF: each page is its own picture, unchanged and in order', async () => {
  const jpegs = [
    await blankScan(1),
    await sharp({ create: { width: 1654, height: 2339, channels: 3, background: '#f0f0f0' } })
      .jpeg()
      .toBuffer(),
    await blankScan(2),
  ];
  const pdf = await openPdf(await scannedStackPdf(jpegs));
  try {
    const pages = await scanPages(pdf);
    assert.equal(pages.length, 3);
    pages.forEach((page, i) => assert.ok(page.equals(jpegs[i]!), `page ${i + 1} is the scanned JPEG itself`));
  } finally {
    await pdf.dispose();
  }
});

test('a PDF with text on its pages is drawn at 150 dpi', async () => {
  const page = await (await sharedBrowser()).newPage();
  await page.setContent('<p style="font-size:40px">第一页 page one</p>');
  const bytes = Buffer.from(await page.pdf({ format: 'A4' }));
  await page.close();
  const pdf = await openPdf(bytes);
  try {
    const [png] = await scanPages(pdf);
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.ok(Math.abs(meta.width - 1241) <= 2, `A4 at 150 dpi: ${meta.width}`);
  } finally {
    await pdf.dispose();
  }
});
