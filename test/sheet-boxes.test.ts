import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { prepareBox } from '../reading/sheets/sheet-boxes';

// Answer-sheet boxes before OCR: empty boxes (even in a shadow) are told apart from written ones.

/** A box cut from a photo: a frame, a printed number, optional writing, and a shadow falling across it. */
async function box(writing: string | null, shadow = 0.5): Promise<Buffer> {
  const text = writing
    ? `<text x="72" y="68" font-size="48" font-style="italic" font-family="DejaVu Sans" fill="#3a3a40">${writing}</text>`
    : '';
  const paper = `<svg xmlns="http://www.w3.org/2000/svg" width="744" height="100"><rect width="744" height="100" fill="#f2f2f2"/>
    <rect x="1" y="1" width="742" height="98" fill="none" stroke="#555" stroke-width="2"/>
    <text x="8" y="22" font-size="16" font-family="DejaVu Sans" fill="#555">5</text>${text}</svg>`;
  const dark = Math.round(255 * (1 - shadow));
  const light = `<svg xmlns="http://www.w3.org/2000/svg" width="744" height="100"><defs><linearGradient id="g"><stop offset="0" stop-color="rgb(${dark},${dark},${dark})"/><stop offset="1" stop-color="#ffffff"/></linearGradient></defs><rect width="744" height="100" fill="url(#g)"/></svg>`;
  // Light multiplies paper and writing alike; then the crop is stretched as the reader stretches it.
  const lit = await sharp(Buffer.from(paper))
    .composite([{ input: Buffer.from(light), blend: 'multiply' }])
    .png()
    .toBuffer();
  return sharp(lit).greyscale().normalise().png().toBuffer();
}

test('an empty box is empty, also in a shadow and with its frame and printed number', async () => {
  for (const shadow of [0, 0.4, 0.7]) {
    const prepared = await prepareBox(await box(null, shadow));
    assert.equal(prepared.png, null, `shadow ${shadow}: ink share ${prepared.inkShare}`);
  }
});

test('a box with a single written digit is not empty, and comes out as dark writing on white', async () => {
  for (const writing of ['1', '42', '3.5']) {
    const prepared = await prepareBox(await box(writing, 0.6));
    assert.ok(prepared.png, `"${writing}": ink share ${prepared.inkShare}`);
    const { data } = await sharp(prepared.png).greyscale().raw().toBuffer({ resolveWithObject: true });
    const white = data.filter((v) => v === 255).length / data.length;
    assert.ok(white > 0.9, `mostly white background (${white})`);
  }
});
