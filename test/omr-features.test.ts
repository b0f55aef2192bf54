import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { layoutSchema } from '../domain/omr-layout';
import { registerLayout } from '../reading/sheets/layout-registration';
import { decodePage } from '../reading/page-image';
import { cutBox } from '../reading/sheets/read-sheet';
import { readLayoutSheet, type LayoutTemplate } from '../reading/sheets/read-layout';
import { compareSample, loadSamples } from './fixtures/omrchecker-samples';

// Registration by the features of a reference scan: the reference is sample3's sheet
// straightened onto its frame (by its outline), the page is the same scan turned by 4° and
// shrunk on a white table. Read through the reference's features alone, every answer must
// still equal OMRChecker's.

test('a turned and shrunk scan registered by the features of a reference scan reads as OMRChecker read it', async () => {
  const sample = loadSamples().find((s) => s.name.endsWith('rgb-100-gsm.jpg'))!;
  const layout = sample.template.layout!;
  const original = readFileSync(sample.image);
  const img = await decodePage(original);
  const straight = await registerLayout(img, layout);
  const scale = 1000 / Math.max(layout.frame.width, layout.frame.height);
  const reference = await cutBox(img, straight.h, { x: 0, y: 0, w: layout.frame.width, h: layout.frame.height }, scale);
  const referenceJpeg = await sharp(reference).jpeg({ quality: 85 }).toBuffer();

  const meta = await sharp(original).metadata();
  const turned = await sharp(original)
    .resize(Math.round(meta.width * 0.8))
    .rotate(4, { background: '#ffffff' })
    .extend({ top: 60, bottom: 60, left: 80, right: 80, background: '#ffffff' })
    .jpeg({ quality: 90 })
    .toBuffer();

  const withFeatures = layoutSchema.parse({
    ...layout,
    registration: [{ method: 'features', reference: 'reference' }],
    assets: { reference: `data:image/jpeg;base64,${referenceJpeg.toString('base64')}` },
  });
  const template = { ...sample.template, layout: withFeatures } as LayoutTemplate;
  const reading = await readLayoutSheet(turned, template);
  assert.equal(reading.registration.method, 'features');
  assert.deepEqual(compareSample({ ...sample, template }, reading).differences, []);

  // another sheet does not match the reference: a clear refusal, not a reading
  const other = loadSamples().find((s) => s.name.endsWith('simple_omr_sheet.jpg'))!;
  await assert.rejects(readLayoutSheet(readFileSync(other.image), template), /does not match the layout's reference scan/);
});

test('a box field of a layout is cut out straight for OCR, and its question is not read as bubbles', async () => {
  const sample = loadSamples().find((s) => s.name.endsWith('rgb-100-gsm.jpg'))!;
  const layout = sample.template.layout!;
  const boxed = layoutSchema.parse({
    ...layout,
    fields: [...layout.fields, { kind: 'box', label: 'note', x: 300, y: 200, width: 1200, height: 300 }],
    questions: { ...layout.questions, '101': ['note'] },
  });
  const template = {
    ...sample.template,
    questions: [...sample.template.questions, { number: '101', type: 'fill' as const, points: 1, answer: 'x' }],
    layout: boxed,
  } as LayoutTemplate;
  const reading = await readLayoutSheet(readFileSync(sample.image), template);
  assert.equal(reading.answers.length, 100);
  assert.equal(reading.boxes.length, 1);
  const meta = await sharp(reading.boxes[0]!.png).metadata();
  assert.deepEqual([reading.boxes[0]!.number, reading.boxes[0]!.type, meta.width, meta.height], ['101', 'fill', 1200, 300]);
});
