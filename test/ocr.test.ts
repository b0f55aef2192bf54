import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeSharedBrowser } from '../lib/documents/browser';
import { BadInputError } from '../domain/bad-input';
import { OcrEngine } from '../reading/ocr/ocr-engine';
import { parseExam } from '../domain/parse';
import type { OcrPage } from '../domain/paper';
import { templateSchema, type Template } from '../domain/template';
import { renderExamPaper, type PaperSpec } from './fixtures/generator';
import { chooseAnswers } from './fixtures/answers';
import { degradePage } from './fixtures/degrade';

// The real reading side end to end: render papers with Chromium, OCR them with
// tesseract.js (offline), parse, and compare with the generator's ground truth.

const ocr = new OcrEngine({ workers: Math.max(1, os.cpus().length), dataDir: path.join(os.tmpdir(), 'examflow-test-data') });

function template(name: string): Template {
  return templateSchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, '../../test/fixtures/templates', name), 'utf8')));
}

after(async () => {
  await Promise.all([ocr.terminate(), closeSharedBrowser()]);
});

async function readPaper(spec: PaperSpec, diagnostic: (msg: string) => void, scan?: { seed: number; angle: number }): Promise<void> {
  const paper = await renderExamPaper(spec);
  const images = scan
    ? await Promise.all(paper.pages.map(async (p, i) => (await degradePage(p, scan.seed + i, { angle: scan.angle })).image))
    : paper.pages;
  const pages: OcrPage[] = [];
  for (const [pageIndex, png] of images.entries()) {
    const started = Date.now();
    const progress: number[] = [];
    const result = await ocr.recognizePage(png, spec.template.language, (f) => progress.push(f), pageIndex + 1);
    diagnostic(`${spec.template.id} page ${pageIndex + 1}: ${Date.now() - started} ms, confidence ${result.confidence.toFixed(2)}`);
    assert.ok(progress.length > 0 && progress.at(-1) === 1, 'progress is reported up to 1');
    pages.push({ pageIndex, ...result });
  }
  const parsed = parseExam(pages, spec.template);
  const text = pages.map((p) => p.text).join('\n----\n');
  assert.deepEqual(parsed.missing, [], text);
  assert.deepEqual(
    parsed.answers.map((a) => ({ number: a.number, answer: a.answer })),
    paper.truth.answers,
    `conventions ${JSON.stringify(paper.truth.conventions)}\n${text}`,
  );
  assert.deepEqual(parsed.student, paper.truth.student, text);
  for (const a of parsed.answers) assert.ok(a.confidence > 0 && a.confidence <= 1);
}

test('a 2-page Chinese paper is read exactly', async (t) => {
  const zh = template('zh-math.json');
  await readPaper(
    { template: zh, student: { name: '李明', class: '八(2)班', id: '20230415' }, answers: chooseAnswers(zh, 3, 7), pages: 2, seed: 7 },
    (m) => t.diagnostic(m),
  );
});

test('a 1-page English paper is read exactly', async (t) => {
  const en = template('en-english.json');
  await readPaper(
    { template: en, student: { name: 'Emily Chen', class: '7B', id: 'S1024' }, answers: chooseAnswers(en, 2, 3), seed: 3 },
    (m) => t.diagnostic(m),
  );
});

test('a degraded scan (rotated 2.5°, tinted, noisy JPEG) of a Chinese paper is read exactly', async (t) => {
  const zh = template('zh-math.json');
  await readPaper(
    { template: zh, student: { name: '王小红', class: '七(1)班', id: '20220108' }, answers: chooseAnswers(zh, 2, 21), seed: 21 },
    (m) => t.diagnostic(m),
    { seed: 21, angle: -2.5 },
  );
});

test('input that is not an image is a BadInputError a teacher can act on', async () => {
  await assert.rejects(ocr.recognizePage(Buffer.from('%PDF-1.4 not an image'), 'zh', undefined, 2), (err: unknown) => {
    assert.ok(err instanceof BadInputError);
    assert.equal(err.name, 'BadInput');
    assert.match(err.message, /page 2 is not a readable image/);
    return true;
  });
});
