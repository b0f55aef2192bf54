import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { closeSharedBrowser } from '../lib/documents/browser';
import { closePpocr, readLinePpocr, readPagePpocr } from '../reading/ocr/ppocr';
import { OcrEngine } from '../reading/ocr/ocr-engine';
import { templateSchema } from '../domain/template';
import { renderExamPaper } from './fixtures/generator';
import { chooseAnswers } from './fixtures/answers';

// PP-OCRv4 on onnxruntime-node (reading/ocr/ppocr.ts) on real rendered images: a generated
// exam page read whole, and answer lines as an answer sheet's fill box is cut out.

process.env.EXAMFLOW_DATA_DIR ??= path.join(os.tmpdir(), 'examflow-test-data');

const engine = new OcrEngine({ workers: 1, dataDir: process.env.EXAMFLOW_DATA_DIR, lineReader: 'ppocr' });

after(async () => {
  await Promise.all([closePpocr(), engine.terminate(), closeSharedBrowser()]);
});

async function line(text: string, font: string): Promise<Buffer> {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${40 + 26 * [...text].length}" height="52"><rect width="100%" height="100%" fill="#fff"/>` +
    `<text x="16" y="36" font-size="24" font-family="${font}" fill="#222">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).greyscale().png().toBuffer();
}

test('answer lines, Chinese and English, are read exactly, and an engine with lineReader ppocr reads fill boxes with it', async () => {
  for (const [text, font] of [
    ['勾股定理', 'Noto Sans CJK SC'],
    ['y=2x+1', 'DejaVu Sans'],
    ['photosynthesis', 'Liberation Serif'],
    ['直角三角形', 'Noto Serif CJK SC'],
  ] as const) {
    const read = await readLinePpocr(await line(text, font));
    assert.equal(read.text.replace(/\s+/g, ''), text);
    assert.ok(read.confidence > 0.8 && read.confidence <= 1, `${text}: confidence ${read.confidence}`);
  }
  const box = await engine.recognizeBox(await line('光合作用', 'Noto Sans CJK SC'), 'zh', 'line');
  assert.equal(box.text, '光合作用');
  assert.ok(box.confidence > 0.8 && box.confidence <= 1);
});

test('a generated Chinese exam page: every line found, in reading order, the title and a question read exactly', async () => {
  const template = templateSchema.parse(
    JSON.parse(fs.readFileSync(path.join(__dirname, '../../test/fixtures/templates/zh-math.json'), 'utf8')),
  );
  const paper = await renderExamPaper({
    template,
    student: { name: '李明', class: '八(2)班', id: '20230415' },
    answers: chooseAnswers(template, 0, 3),
    seed: 3,
  });
  const { data, info } = await sharp(paper.pages[0]).greyscale().raw().toBuffer({ resolveWithObject: true });
  const lines = await readPagePpocr({
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  });
  const truth = paper.pageTexts[0]!.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, truth.length, lines.map((l) => l.text).join('\n'));
  const compact = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
  assert.equal(compact(lines[0]!.text), compact(truth[0]!));
  assert.ok(
    lines.some((l) => compact(l.text) === compact(truth[3]!)),
    `no line reads ${truth[3]}`,
  );
  for (let i = 1; i < lines.length; i++) assert.ok(lines[i]!.bbox.y0 >= lines[i - 1]!.bbox.y0, 'lines top to bottom');
});
