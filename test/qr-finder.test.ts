import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { templateSchema } from '../domain/template';
import { closeSharedBrowser } from '../lib/documents/browser';
import { decodeGrey } from '../reading/page-image';
import { finderPatterns, mayHoldQrCode } from '../reading/sheets/qr-finder';
import { findSheetCode } from '../reading/sheets/sheet-code';
import { chooseAnswers } from './fixtures/answers';
import { degradePage } from './fixtures/degrade';
import { renderExamPaper } from './fixtures/generator';
import { filledSheet, randomSheetTruth } from './fixtures/sheet-filler';
import { quizTemplate } from './fixtures/sheet-templates';

// The quick "no QR code here" asked before searching a first page for an answer-sheet
// code: printed papers (Chinese and English, clean and scanned) are answered by it; photographed
// and turned sheets pass it, and their code is still found.

after(() => closeSharedBrowser());

const fixture = (file: string) =>
  templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates', file), 'utf8')));

test('printed papers have no finder patterns placed as a code’s, clean or scanned', async () => {
  // Several of these pages show three or more finder-like characters (回, 口, bold o); none in a code's places.
  for (const [file, seed] of [
    ['zh-math.json', 21],
    ['en-english.json', 22],
    ['zh-math.json', 4],
    ['zh-chinese.json', 3],
    ['zh-physics.json', 3],
    ['en-english.json', 3],
  ] as const) {
    const template = fixture(file);
    const student = { name: 'Amy Lin', class: '7C', id: `S${seed}` };
    const { pages } = await renderExamPaper({ template, student, answers: chooseAnswers(template, 1, seed), pages: 2, seed });
    const scanned = (await degradePage(pages[0]!, seed)).image;
    for (const [which, page] of [...pages.map((p, i) => [`page ${i + 1}`, p] as const), ['scanned page 1', scanned] as const]) {
      const grey = await decodeGrey(page);
      assert.equal(mayHoldQrCode(grey), false, `${file} ${which}: ${finderPatterns(grey).length} finder patterns`);
      assert.equal(await findSheetCode(page), null);
    }
  }
});

test('photographed and turned answer sheets show their three finder patterns, and the code is read', async () => {
  const template = quizTemplate();
  const pictures: [string, Buffer][] = [];
  for (const seed of [21, 22, 25])
    pictures.push([`photo ${seed}`, (await filledSheet(template, randomSheetTruth(template, seed), { style: 'photo', seed })).images[0]!]);
  const [scan] = (await filledSheet(template, randomSheetTruth(template, 31), { style: 'scan', seed: 31 })).images;
  for (const angle of [45, 90, 180, 270])
    pictures.push([`scan turned ${angle}°`, await sharp(scan).rotate(angle, { background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer()]);
  for (const [which, picture] of pictures) {
    assert.ok(finderPatterns(await decodeGrey(picture)).length >= 3, which);
    assert.deepEqual(await findSheetCode(picture), { templateId: template.id, pageIndex: 0, pageCount: 1 }, which);
  }
});
