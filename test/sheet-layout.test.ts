import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateSchema, type Template } from '../domain/template';
import { sectionedTemplate } from './fixtures/sheet-templates';
import {
  bubbleQuestions,
  optionLabels,
  PAGE_HEIGHT,
  PAGE_WIDTH,
  parseSheetCode,
  sheetCode,
  sheetLayout,
  type SheetLayoutPage,
} from '../domain/sheet-layout';

// The answer sheet's geometry, without a browser: every question placed once, nothing
// overlapping, nothing outside the markers, more pages when the questions need them.

const fixture = (name: string): Template =>
  templateSchema.parse(JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/templates', name), 'utf8')));

type Rect = { x: number; y: number; w: number; h: number; what: string };
function rects(page: SheetLayoutPage): Rect[] {
  const out: Rect[] = page.markers.map((m, i) => ({ x: m.x, y: m.y, w: m.size, h: m.size, what: `marker ${i}` }));
  out.push({ x: page.code.x, y: page.code.y, w: page.code.size, h: page.code.size, what: 'code' });
  if (page.studentNumber) out.push({ ...page.studentNumber.box, what: 'student number' });
  for (const q of page.questions) {
    if ('box' in q) out.push({ ...q.box, what: `box ${q.section}/${q.number}` });
    else
      for (const o of q.options)
        out.push({ x: o.x - o.r, y: o.y - o.r, w: 2 * o.r, h: 2 * o.r, what: `bubble ${q.section}/${q.number}${o.label}` });
  }
  return out;
}
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('every question of a template is placed exactly once, with its options', () => {
  for (const template of [fixture('zh-math.json'), fixture('en-science.json'), sectionedTemplate()]) {
    const layout = sheetLayout(template);
    const placed = layout.pages.flatMap((p) => p.questions.map((q) => `${q.section}/${q.number}`));
    assert.deepEqual(placed.sort(), template.questions.map((q) => `${q.section ?? null}/${q.number}`).sort());
    for (const page of layout.pages) {
      for (const q of bubbleQuestions(page)) {
        const tq = template.questions.find((t) => t.number === q.number && (t.section ?? null) === q.section)!;
        assert.deepEqual(
          q.options.map((o) => o.label),
          optionLabels(tq),
        );
        assert.ok(
          q.options.every((o) => o.r >= 5),
          'bubbles at least 10 pt across',
        );
      }
    }
  }
});

test('options: the options count, 4 by default, the letters of a multi answer, T/F', () => {
  const q = (type: 'choice' | 'multi' | 'truefalse', answer: string, options?: string[]) => ({
    number: '1',
    type,
    points: 1,
    answer,
    options,
  });
  assert.deepEqual(optionLabels(q('choice', 'B')), ['A', 'B', 'C', 'D']);
  assert.deepEqual(optionLabels(q('choice', 'A', ['1', '2', '3'])), ['A', 'B', 'C']);
  assert.deepEqual(optionLabels(q('multi', 'AF')), ['A', 'B', 'C', 'D', 'E', 'F']);
  assert.deepEqual(optionLabels(q('truefalse', 'T')), ['T', 'F']);
});

test('nothing overlaps and everything sits inside the page, the student number on the first page only', () => {
  const layout = sheetLayout(sectionedTemplate());
  assert.ok(layout.pages.length >= 2, 'a long template takes more than one page');
  layout.pages.forEach((page, i) => {
    assert.equal(page.width, PAGE_WIDTH);
    assert.equal(page.height, PAGE_HEIGHT);
    assert.equal(page.markers.length, 4);
    assert.equal(Boolean(page.studentNumber), i === 0);
    assert.deepEqual(parseSheetCode(page.code.text), { templateId: 'long-sheet', pageIndex: i, pageCount: layout.pages.length });
    const all = rects(page);
    for (const r of all)
      assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.w <= PAGE_WIDTH && r.y + r.h <= PAGE_HEIGHT, `${r.what} inside the page`);
    const inner = all.filter((r) => !r.what.startsWith('marker'));
    const [tl, , br] = page.markers;
    for (const r of inner)
      assert.ok(r.x > tl!.x + tl!.size && r.y > tl!.y + tl!.size && r.x + r.w < br!.x && r.y + r.h < br!.y, `${r.what} inside the markers`);
    for (let a = 0; a < all.length; a++)
      for (let b = a + 1; b < all.length; b++) {
        const pair = [all[a]!, all[b]!];
        if (pair.some((r) => r.what === 'student number')) continue; // its bubbles sit inside its box
        assert.ok(!overlap(pair[0]!, pair[1]!), `${pair[0]!.what} overlaps ${pair[1]!.what}`);
      }
  });
  const first = layout.pages[0]!.studentNumber!;
  assert.equal(first.bubbles.length, 80);
  assert.deepEqual([...new Set(first.bubbles.map((b) => b.value))], ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.ok(layout.pages.some((p) => p.headings.some((h) => h.text.includes('单项选择题'))));
});

test('the sheet code names template and page, and nothing else parses', () => {
  assert.equal(sheetCode('g8-math', 1, 3), 'EXF1/g8-math/2/3');
  assert.deepEqual(parseSheetCode('EXF1/g8-math/2/3'), { templateId: 'g8-math', pageIndex: 1, pageCount: 3 });
  for (const bad of ['', 'https://example.com', 'EXF1/G8/1/1', 'EXF1/g8/0/1', 'EXF1/g8/3/2', 'EXF1/g8/1/1/x'])
    assert.equal(parseSheetCode(bad), null, bad);
});
