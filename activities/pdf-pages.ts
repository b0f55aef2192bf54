import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BadInputError, MAX_INPUT_PIXELS } from './preprocess';

// A multi-page PDF becomes one PNG per page, rendered at 150 dpi by poppler's pdftoppm
// (installed by scripts/setup.sh), so the rest of the pipeline only ever sees images.
// The API splits PDFs at upload, before pages are stored and counted.

const run = promisify(execFile);
const DPI = 150;
const TIMEOUT_MS = 120_000;

/** A PDF with more pages than an exam may have: the API answers 400 too_many_pages. */
export class TooManyPagesError extends BadInputError {}

export function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 5).toString('latin1') === '%PDF-';
}

interface PdfInfo {
  pages: number;
  /** largest page, in points (1/72 inch) */
  widthPt: number;
  heightPt: number;
}

async function pdfInfo(file: string, what: string): Promise<PdfInfo> {
  let stdout: string;
  try {
    ({ stdout } = await run('pdfinfo', [file], { timeout: TIMEOUT_MS }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pdfinfo is not installed: run scripts/setup.sh (poppler-utils)');
    throw new BadInputError(`${what} is not a readable PDF: export it again or upload page images`);
  }
  const pages = Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1] ?? NaN);
  const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(stdout);
  if (!Number.isFinite(pages) || pages < 1) throw new BadInputError(`${what} has no pages`);
  return { pages, widthPt: Number(size?.[1] ?? 595), heightPt: Number(size?.[2] ?? 842) };
}

/**
 * The pages of a PDF as PNG images, in page order. Refuses, before rendering anything,
 * a PDF with more than `maxPages` pages or a page too large to render safely.
 */
export async function pdfToPages(pdf: Buffer, options: { maxPages: number; what?: string }): Promise<Buffer[]> {
  const what = options.what ?? 'the PDF';
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'examflow-pdf-'));
  try {
    const input = path.join(dir, 'input.pdf');
    await fs.writeFile(input, pdf);
    const info = await pdfInfo(input, what);
    if (info.pages > options.maxPages) {
      throw new TooManyPagesError(`${what} has ${info.pages} pages, more than the ${options.maxPages} pages an exam may have`);
    }
    const pixels = ((info.widthPt * DPI) / 72) * ((info.heightPt * DPI) / 72);
    if (pixels > MAX_INPUT_PIXELS) throw new BadInputError(`${what} has pages too large to read (${Math.round(info.widthPt)}×${Math.round(info.heightPt)} pt): export it at A4 or Letter size`);
    try {
      await run('pdftoppm', ['-r', String(DPI), '-png', '-l', String(options.maxPages), input, path.join(dir, 'page')], { timeout: TIMEOUT_MS });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pdftoppm is not installed: run scripts/setup.sh (poppler-utils)');
      throw new BadInputError(`${what} could not be rendered: export it again or upload page images`);
    }
    // pdftoppm names pages page-1.png or page-01.png (zero-padded to the page count's width).
    const files = (await fs.readdir(dir)).filter((f) => /^page-\d+\.png$/.test(f));
    files.sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
    if (files.length === 0) throw new BadInputError(`${what} has no pages that could be rendered`);
    return await Promise.all(files.map((f) => fs.readFile(path.join(dir, f))));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
