import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { sheetLayout } from '../domain/sheet-layout';
import { templateSchema } from '../domain/template';
import { closeSharedBrowser } from '../lib/documents/browser';
import { pageForScreen, sheetCutter, sheetRegion } from '../reading/sheets/answer-region';
import { filledSheetImages } from './fixtures/sheet-filler';

// The images a teacher reviews: a question's bubble row or box cut from a phone photo of a
// filled sheet, straightened; any other page scaled to a screen.

const template = templateSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-sheet-quiz.json'), 'utf8')),
);

/** Share of near-black pixels (each crop is contrast-stretched on its own, so means do not compare). */
// The sheet PDF is rendered in Chromium.
after(() => closeSharedBrowser());

async function inkShare(png: Buffer): Promise<number> {
  const pixels = await sharp(png).greyscale().raw().toBuffer();
  return pixels.filter((v) => v < 60).length / pixels.length;
}

test('a bubble row and a box are cut straight from a photographed sheet; a double mark shows as two filled bubbles', async () => {
  const layout = sheetLayout(template);
  const [photo] = await filledSheetImages(
    template,
    {
      studentNumber: '20230419',
      answers: {
        '一/1': null,
        '一/2': 'BC',
        '一/3': 'BD',
        '一/4': 'A',
        '二/1': 'T',
        '二/2': 'F',
        '二/3': '42',
        '二/4': null,
        '二/5': null,
      },
    },
    { style: 'photo', seed: 44 },
  );
  const cut = await sheetCutter(photo!);
  assert.ok(cut, 'the sheet registers');
  const blankRow = await cut(sheetRegion(layout, '1', '一')!);
  const doubleRow = await cut(sheetRegion(layout, '2', '一')!);
  const box = await cut(sheetRegion(layout, '3', '二')!);
  const row = await sharp(doubleRow).metadata();
  assert.ok(row.width > 4 * row.height, `a row is wide and short: ${row.width}×${row.height}`);
  const [blankInk, doubleInk] = [await inkShare(blankRow), await inkShare(doubleRow)];
  assert.ok(
    doubleInk > 0.07 && doubleInk > 1.5 * blankInk,
    `two filled bubbles darken the row: ${doubleInk.toFixed(3)} vs ${blankInk.toFixed(3)} blank`,
  );
  const boxMeta = await sharp(box).metadata();
  assert.ok(boxMeta.width > 200 && boxMeta.height > 40, `the fill box: ${boxMeta.width}×${boxMeta.height}`);
  assert.equal(sheetRegion(layout, '9', '一'), null, 'no such question');
});

test('a page that is not a sheet is not cut; any page is scaled to a screen for review', async () => {
  const page = await sharp({ create: { width: 2480, height: 3508, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  assert.equal(await sheetCutter(page), null);
  const screen = await sharp(await pageForScreen(page)).metadata();
  assert.deepEqual([screen.width, screen.format], [1000, 'png']);
});
