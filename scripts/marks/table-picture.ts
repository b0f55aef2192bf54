import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { tableAnswers } from '../../domain/table-answers';
import { templateSchema } from '../../domain/template';
import { readAnswerTables } from '../../reading/handwriting/answer-tables';
import { preprocessPage } from '../../reading/preprocess/preprocess';
import { tablePaper } from '../../test/fixtures/table-class';

// node dist/scripts/marks/table-picture.js [docs]: the README's pictures of a handwritten answer
// table — a generated student's scanned page (docs/answer-table-scan.jpg) and what examflow read
// in each cell (docs/answer-table-read.png: green right, red wrong, orange flagged low_confidence).

const OUT = process.argv[2] ?? 'docs';
const ROOT = path.join(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const template = templateSchema.parse(
    JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/templates/zh-answer-table.json'), 'utf8')),
  );
  const paper = await tablePaper(template, 'rows', 'scan', 41);
  const { image } = await preprocessPage(paper.image, 'page 1');
  const cells = await readAnswerTables(image);
  const read = [...tableAnswers([{ tables: cells }], template).entries()];
  if (read.length !== cells.length)
    throw new Error(`${cells.length} cells but ${read.length} answers: the picture would pair them wrongly`);
  const marks = cells.map((cell, i) => {
    const [key, answer] = read[i]!;
    const b = cell.box!;
    const right = answer.answer === (paper.answers.get(key) ?? null);
    const colour = answer.flags?.includes('low_confidence') ? '#e69500' : right ? '#1a9e3a' : '#d62020';
    return (
      `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="${colour}" fill-opacity="0.18" stroke="${colour}" stroke-width="4"/>` +
      `<text x="${b.x + b.w / 2}" y="${b.y + b.h + 34}" font-family="Noto Sans CJK SC" font-size="30" font-weight="bold" fill="${colour}" text-anchor="middle">${answer.answer ?? '—'}</text>`
    );
  });
  const { width, height } = image;
  const crop = { left: 0, top: 0, width, height: Math.min(height, Math.round(height * 0.42)) };
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${crop.width}" height="${crop.height}">${marks.join('')}</svg>`;
  fs.mkdirSync(OUT, { recursive: true });
  const scan = await sharp(paper.image).metadata();
  await sharp(paper.image)
    .extract({ left: 0, top: 0, width: scan.width, height: Math.round(scan.height * 0.42) })
    .resize({ width: 900 })
    .jpeg({ quality: 70 })
    .toFile(path.join(OUT, 'answer-table-scan.jpg'));
  // sharp crops and resizes before it composites: one step at a time
  const page = await sharp(Buffer.from(image.data), { raw: { width, height, channels: 1 } })
    .extract(crop)
    .png()
    .toBuffer();
  const marked = await sharp(page)
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer();
  await sharp(marked).resize({ width: 900 }).png({ palette: true }).toFile(path.join(OUT, 'answer-table-read.png'));
  const right = read.filter(([key, a]) => a.answer === (paper.answers.get(key) ?? null)).length;
  console.log(
    `${right}/${read.length} answers right; ${read.map(([k, a]) => `${k}=${a.answer ?? '—'}${a.flags ? '?' : ''}`).join(' ')}; written to ${OUT}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
