import fs from 'node:fs';
import sharp from 'sharp';
import { compareSample, loadSamples } from '../test/fixtures/omrchecker-samples';
import { readLayoutSheet, type LayoutTemplate } from '../reading/sheets/read-layout';

// node dist/bench/omr-robustness.js — OMRChecker's samples degraded the way real scans and
// photos differ from them (recompression, a darker or flatter exposure, blur, a small turn, a
// shadow across the sheet), each read through its imported template and compared with
// OMRChecker's results for the original. Not part of bench:sheets (about a minute and a half).

const shadow = async (image: Buffer): Promise<Buffer> => {
  const { width, height } = await sharp(image).metadata();
  const svg = `<svg width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="black" stop-opacity="0"/><stop offset="1" stop-color="black" stop-opacity="0.45"/></linearGradient></defs><rect width="${width}" height="${height}" fill="url(#g)"/></svg>`;
  return sharp(image)
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 85 })
    .toBuffer();
};

const degradations: Record<string, (image: Buffer) => Promise<Buffer>> = {
  'JPEG quality 50': (b) => sharp(b).jpeg({ quality: 50 }).toBuffer(),
  'darker (gamma 2.2)': (b) => sharp(b).gamma(2.2, 1).toBuffer(),
  'low contrast (60–213)': (b) => sharp(b).linear(0.6, 60).toBuffer(),
  'blur (σ 1.5)': (b) => sharp(b).blur(1.5).toBuffer(),
  'turned 2° (registered layouts only)': (b) => sharp(b).rotate(2, { background: '#ffffff' }).toBuffer(),
  'shadow across the sheet': shadow,
};

async function main(): Promise<void> {
  const samples = loadSamples();
  const rows: string[] = [];
  for (const [name, degrade] of Object.entries(degradations)) {
    let same = 0;
    let answers = 0;
    const misses: string[] = [];
    for (const sample of samples) {
      if (name.startsWith('turned') && !sample.template.layout?.registration?.length) continue;
      try {
        const reading = await readLayoutSheet(await degrade(fs.readFileSync(sample.image)), sample.template as LayoutTemplate);
        const o = compareSample(sample, reading);
        same += o.answersSame;
        answers += o.answers;
        if (o.differences.length) misses.push(`${sample.name.split('/').pop()} ${o.differences.length}`);
      } catch (err) {
        answers += Object.keys(sample.recorded.columns).filter((c) => /^q\d+$/.test(c)).length;
        misses.push(`${sample.name.split('/').pop()} not registered`);
      }
    }
    rows.push(`| ${name} | ${same}/${answers} (${((100 * same) / answers).toFixed(1)}%) | ${misses.join('; ') || '—'} |`);
  }
  console.log(
    ['| degradation | answers equal to OMRChecker’s on the original | sheets with differences |', '|---|---|---|', ...rows].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
