import './helpers/env';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeSharedBrowser } from '../lib/documents/browser';
import { inkShare, isBlankPage } from '../reading/blank-page';
import { blankScan, oneSheetTemplate, studentSheets } from './fixtures/class-stack';
import { renderExamPaper } from './fixtures/generator';

// A class's stack: blank pages (scanned, with grain, tint and JPEG) are skipped; sheets and
// printed pages, even a nearly empty one, are not.

after(() => closeSharedBrowser());

test('a scanned blank page is blank; a filled sheet, a photographed sheet and a printed paper are not', async () => {
  for (const seed of [1, 2, 3, 4])
    assert.ok(await isBlankPage(await blankScan(seed)), `blank scan ${seed}: ink ${await inkShare(await blankScan(seed))}`);
  const quiz = oneSheetTemplate();
  for (const style of ['scan', 'photo', 'clean'] as const) {
    const [page] = (await studentSheets(quiz, 7, style)).pages;
    assert.equal(await isBlankPage(page!), false, style);
  }
  const paper = (
    await renderExamPaper({ template: { ...quiz, id: 'printed' }, student: { name: 'A', class: 'B', id: 'C' }, answers: {}, seed: 2 })
  ).pages[0]!;
  assert.equal(await isBlankPage(paper), false, 'printed paper');
});
