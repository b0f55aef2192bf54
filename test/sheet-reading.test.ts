import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { closeSharedBrowser } from '../lib/documents/browser';
import { sheetLayout } from '../domain/sheet-layout';
import { questionKey, type Template } from '../domain/template';
import { loadOpenCv } from '../reading/opencv';
import { readAnswerSheet, SheetNotFoundError, type SheetReading } from '../reading/sheets/read-sheet';
import { findSheetCode } from '../reading/sheets/sheet-code';
import { filledSheet, randomSheetTruth, type SheetStyle, type SheetTruth } from './fixtures/sheet-filler';
import { quizTemplate, sectionedTemplate } from './fixtures/sheet-templates';

// The reading engine on examflow's own printed sheets, filled by the simulated pencil and
// degraded as clean renders, flatbed scans and phone photos (any turn, perspective, shadows,
// JPEG): every answer, the student number and the code must come back, with flags for double
// marks and erasures, and a picture without a sheet must fail with a message a teacher can act on.

before(() => loadOpenCv());
after(() => closeSharedBrowser());

function wrongAnswers(reading: SheetReading, truth: SheetTruth): string[] {
  return reading.answers
    .filter((a) => (truth.answers[questionKey(a)] ?? null) !== a.answer)
    .map((a) => `${questionKey(a)}: ${truth.answers[questionKey(a)]} read as ${a.answer}`);
}

async function readAll(template: Template, style: SheetStyle, seeds: number[]): Promise<{ turns: Set<number>; readings: number }> {
  const layout = sheetLayout(template);
  const turns = new Set<number>();
  let readings = 0;
  for (const seed of seeds) {
    const truth = randomSheetTruth(template, seed);
    const { images } = await filledSheet(template, truth, { style, seed });
    for (const [pageIndex, image] of images.entries()) {
      const reading = await readAnswerSheet(image, layout);
      readings++;
      turns.add(reading.registration.rotation);
      assert.equal(reading.pageIndex, pageIndex, `${style} seed ${seed}: the code tells the page`);
      assert.deepEqual(wrongAnswers(reading, truth), [], `${style} seed ${seed} page ${pageIndex + 1}`);
      for (const a of reading.answers) {
        const expected = truth.answers[questionKey(a)];
        if (a.type === 'choice' && expected && expected.length > 1)
          assert.ok(a.flags.includes('double'), `a double mark on ${a.number} is flagged`);
        assert.ok(a.confidence > 0 && a.confidence <= 1);
      }
      if (pageIndex === 0) {
        assert.equal(reading.studentNumber, truth.studentNumber, `${style} seed ${seed}: student number`);
        assert.ok(reading.studentNumberConfidence > 0.5);
      } else assert.equal(reading.studentNumber, null);
      const boxes = layout.pages[pageIndex]!.questions.filter((q) => 'box' in q);
      assert.equal(reading.boxes.length, boxes.length);
      for (const box of reading.boxes) assert.equal((await sharp(box.png).metadata()).format, 'png');
    }
  }
  return { turns, readings };
}

test('clean renders read exactly, on a one-page quiz and a two-page sectioned exam', async () => {
  await readAll(quizTemplate(), 'clean', [1, 2]);
  await readAll(sectionedTemplate(), 'clean', [3]);
});

test('flatbed scans read exactly (rotation, grey copies, noise, JPEG)', async () => {
  await readAll(quizTemplate(), 'scan', [11, 12, 13]);
  await readAll(sectionedTemplate(), 'scan', [15]);
});

test('phone photos read exactly, the right way up whichever way the sheet was turned', async () => {
  // seeds chosen to include upright, sideways and upside-down pages (the filler decides the turn)
  const { turns } = await readAll(quizTemplate(), 'photo', [21, 22, 23, 24]);
  assert.ok(turns.size >= 2, `several turns were read (${[...turns].join(', ')})`);
});

test('a page turned by exactly 90°, 180° and 270° is read the right way up', async () => {
  const template = quizTemplate();
  const truth = randomSheetTruth(template, 31);
  const [image] = await filledSheet(template, truth, { style: 'scan', seed: 31 }).then((s) => s.images);
  for (const angle of [90, 180, 270]) {
    const turned = await sharp(image).rotate(angle).jpeg({ quality: 85 }).toBuffer();
    const reading = await readAnswerSheet(turned, sheetLayout(template));
    assert.deepEqual(wrongAnswers(reading, truth), [], `turned ${angle}°`);
    assert.equal(reading.studentNumber, truth.studentNumber);
    assert.equal(reading.registration.rotation, angle, `rotation reported for ${angle}°`);
  }
});

test('the code names template and page in scans and photos; a picture without a sheet has none', async () => {
  const template = sectionedTemplate();
  const { images } = await filledSheet(template, randomSheetTruth(template, 41), { style: 'photo', seed: 41 });
  for (const [pageIndex, image] of images.entries())
    assert.deepEqual(await findSheetCode(image), { templateId: template.id, pageIndex, pageCount: images.length });
  const blank = await sharp({ create: { width: 1200, height: 1600, channels: 3, background: '#f4f1ea' } })
    .jpeg()
    .toBuffer();
  assert.equal(await findSheetCode(blank), null);
});

test('an erased answer is flagged and not read; a blank reads as null', async () => {
  const template = quizTemplate();
  let erasures = 0;
  let flagged = 0;
  for (const seed of [51, 52, 53]) {
    const truth = randomSheetTruth(template, seed);
    const { images, extras } = await filledSheet(template, truth, { style: 'clean', seed });
    const reading = await readAnswerSheet(images[0]!, sheetLayout(template), 0);
    assert.deepEqual(wrongAnswers(reading, truth), []);
    for (const key of extras.erased.filter((k) => !k.startsWith('#'))) {
      erasures++;
      if (reading.answers.find((a) => questionKey(a) === key)!.flags.includes('erased')) flagged++;
    }
    for (const a of reading.answers) if (truth.answers[questionKey(a)] === null) assert.equal(a.answer, null);
  }
  assert.ok(erasures > 0 && flagged / erasures >= 0.5, `most erasures are flagged (${flagged}/${erasures})`);
});

test('no sheet in the picture: SheetNotFoundError says what was seen and what to do', async () => {
  const template = quizTemplate();
  const paper = await sharp({
    create: { width: 1240, height: 1754, channels: 3, background: '#ffffff' },
  })
    .composite([
      {
        input: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754"><text x="100" y="200" font-size="40">1. ( B )  2. ( C )</text></svg>',
        ),
      },
    ])
    .jpeg()
    .toBuffer();
  await assert.rejects(readAnswerSheet(paper, sheetLayout(template)), (err: unknown) => {
    assert.ok(err instanceof SheetNotFoundError);
    assert.match(err.message, /corner squares/);
    assert.match(err.message, /QR code/);
    return true;
  });
  // a sheet of another template is refused by name, not misread
  const other = sectionedTemplate();
  const { images } = await filledSheet(other, randomSheetTruth(other, 61), { style: 'clean', seed: 61 });
  await assert.rejects(readAnswerSheet(images[0]!, sheetLayout(template)), /belongs to template "long-sheet"/);
  await assert.rejects(readAnswerSheet(Buffer.from('not an image'), sheetLayout(template)), /could not be decoded/);
});

test('covered corner markers: the code and the page outline still place the sheet', async () => {
  const template = quizTemplate();
  const truth = randomSheetTruth(template, 71);
  const { images } = await filledSheet(template, truth, { style: 'clean', seed: 71 });
  const markers = sheetLayout(template).pages[0]!.markers;
  const s = 150 / 72; // clean sheets are rendered at 150 dpi
  const cover = async (which: number[]) => {
    const rects = which
      .map(
        (i) =>
          `<rect x="${(markers[i]!.x - 4) * s}" y="${(markers[i]!.y - 4) * s}" width="${(markers[i]!.size + 8) * s}" height="${(markers[i]!.size + 8) * s}" fill="#fff"/>`,
      )
      .join('');
    return sharp(images[0])
      .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754">${rects}</svg>`) }])
      .jpeg({ quality: 85 })
      .toBuffer();
  };
  for (const which of [[2], [2, 3]]) {
    const reading = await readAnswerSheet(await cover(which), sheetLayout(template));
    assert.ok(
      ['code', 'outline'].includes(reading.registration.method),
      `markers ${which.join(', ')} covered: placed by ${reading.registration.method}`,
    );
    assert.deepEqual(wrongAnswers(reading, truth), []);
    assert.equal(reading.studentNumber, truth.studentNumber);
  }
});
