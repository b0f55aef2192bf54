import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import jsQR from 'jsqr';
import { closeSharedBrowser, sharedChromium } from '../lib/documents/browser';
import { renderAnswerSheetPdf } from '../lib/documents/answer-sheet-pdf';
import { bubbleQuestions, parseSheetCode, sheetLayout } from '../domain/sheet-layout';
import { rasterisePdf } from './fixtures/rasterise-pdf';
import { sectionedTemplate } from './fixtures/sheet-templates';

// The printed sheet is exactly its layout: rasterised by poppler, markers are black where the
// layout puts them, bubbles are rings (inked edge, clear middle) at their centres, the QR code
// decodes to the page's code, and the CJK title is drawn.

after(() => closeSharedBrowser());

const DPI = 100;
const px = (pt: number) => (pt * DPI) / 72;

test('the PDF puts markers, bubbles and the code where the layout says, one page per layout page', async () => {
  const template = sectionedTemplate();
  const layout = sheetLayout(template);
  const pdf = await renderAnswerSheetPdf(sharedChromium(), template);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const pages = await rasterisePdf(pdf, DPI);
  assert.equal(pages.length, layout.pages.length);
  for (const [i, png] of pages.entries()) {
    const page = layout.pages[i]!;
    const { data, info } = await sharp(png).flatten({ background: '#fff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.ok(Math.abs(info.width - px(page.width)) <= 1 && Math.abs(info.height - px(page.height)) <= 1, 'A4 at 100 dpi');
    const at = (xPt: number, yPt: number) => {
      const o = (Math.round(px(yPt)) * info.width + Math.round(px(xPt))) * 3;
      return { r: data[o]!, g: data[o + 1]!, b: data[o + 2]!, grey: (data[o]! + data[o + 1]! + data[o + 2]!) / 3 };
    };
    for (const m of page.markers) {
      assert.ok(at(m.x + m.size / 2, m.y + m.size / 2).grey < 40, 'marker centre is black');
      assert.ok(
        at(m.x - 3, m.y + m.size / 2).grey > 220 && at(m.x + m.size + 3, m.y + m.size / 2).grey > 220,
        'white just outside the marker',
      );
    }
    const bubbles = bubbleQuestions(page)
      .flatMap((q) => q.options)
      .concat(page.studentNumber?.bubbles.map((b) => ({ ...b, label: b.value })) ?? []);
    assert.ok(bubbles.length > 50);
    for (const b of bubbles) {
      // the ring: some point on it is red; the clear band between ring and letter is white
      const ring = [0, 90, 180, 270].map((a) => at(b.x + b.r * Math.cos((a * Math.PI) / 180), b.y + b.r * Math.sin((a * Math.PI) / 180)));
      assert.ok(
        ring.some((p) => p.r - p.g > 40),
        `ring of ${b.label} at ${b.x},${b.y} is red`,
      );
      assert.ok(at(b.x - b.r * 0.6, b.y - b.r * 0.5).grey > 200, 'inside corner of the bubble is clear');
    }
    const { data: rgba, info: ri } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const qr = jsQR(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), ri.width, ri.height);
    assert.ok(qr, 'the QR code decodes');
    assert.deepEqual(parseSheetCode(qr.data), { templateId: template.id, pageIndex: i, pageCount: layout.pages.length });
    assert.ok(
      Math.abs(qr.location.topLeftCorner.x - px(page.code.x)) < 4 && Math.abs(qr.location.topLeftCorner.y - px(page.code.y)) < 4,
      'the code sits where the layout says',
    );
  }
  // The CJK title is drawn (dark pixels along its line), not left as empty boxes or nothing.
  const first = layout.pages[0]!.title!;
  const strip = await sharp(pages[0])
    .extract({ left: Math.round(px(first.x)), top: Math.round(px(first.y - 14)), width: 150, height: Math.round(px(18)) })
    .greyscale()
    .raw()
    .toBuffer();
  const dark = strip.filter((v) => v < 100).length / strip.length;
  assert.ok(dark > 0.08, `the title is drawn (${dark.toFixed(3)} dark)`);
});
