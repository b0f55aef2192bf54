import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDF_PAGE_DPI } from '../../domain/page-rules';
import { BadInputError } from '../../domain/bad-input';
import { MAX_INPUT_PIXELS } from '../../reading/preprocess/preprocess';

// A multi-page PDF becomes one PNG per page, rendered at 150 dpi by poppler's pdftoppm
// (installed by scripts/setup.sh), so the rest of the pipeline only ever sees images.
// The API splits PDFs at upload, before pages are stored and counted. Nothing is rendered
// before every page of every file is counted and measured: a tiny PDF can declare a page
// of 14 400 pt square (~900 megapixels at 150 dpi), and pdfinfo reads that without drawing.

const run = promisify(execFile);
const DPI = PDF_PAGE_DPI;
const TIMEOUT_MS = 120_000;

/** A PDF page too large to render safely: the API answers 413 image_too_large. */
export class PageTooLargeError extends BadInputError {}

export function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 5).toString('latin1') === '%PDF-';
}

/** One PDF written to a private temp folder, for poppler's tools; dispose() removes it. */
export interface PdfFile {
  path: string;
  what: string;
  pages: number;
  dispose(): Promise<void>;
}

async function poppler(tool: 'pdfinfo' | 'pdftoppm', args: string[], failure: string): Promise<string> {
  try {
    return (await run(tool, args, { timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${tool} is not installed: run scripts/setup.sh (poppler-utils)`, { cause: err });
    throw new BadInputError(failure, { cause: err });
  }
}

/** Writes the PDF out and counts its pages (pdfinfo reads the page tree; nothing is drawn). */
export async function openPdf(pdf: Buffer, what = 'the PDF'): Promise<PdfFile> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'examflow-pdf-'));
  const dispose = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const file = path.join(dir, 'input.pdf');
    await fs.writeFile(file, pdf);
    const info = await poppler('pdfinfo', [file], `${what} is not a readable PDF: export it again or upload page images`);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? NaN);
    if (!Number.isFinite(pages) || pages < 1) throw new BadInputError(`${what} has no pages`);
    return { path: file, what, pages, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/**
 * Refuses the PDF if any page, at the render resolution, has more pixels than a page may
 * have. Every box of every page counts (pdftoppm draws the media box, viewers the crop box).
 */
export async function checkPdfPageSizes(pdf: PdfFile): Promise<void> {
  const info = await poppler(
    'pdfinfo',
    ['-f', '1', '-l', String(pdf.pages), '-box', pdf.path],
    `${pdf.what} is not a readable PDF: export it again or upload page images`,
  );
  const largest = new Map<number, { width: number; height: number }>();
  for (const m of info.matchAll(
    /^Page\s+(\d+)\s+(?:size:\s+([\d.]+) x ([\d.]+) pts|\w+Box:\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+))/gm,
  )) {
    const page = Number(m[1]);
    const width = m[2] ? Number(m[2]) : Math.abs(Number(m[6]) - Number(m[4]));
    const height = m[3] ? Number(m[3]) : Math.abs(Number(m[7]) - Number(m[5]));
    const known = largest.get(page) ?? { width: 0, height: 0 };
    largest.set(page, { width: Math.max(known.width, width), height: Math.max(known.height, height) });
  }
  if (largest.size < pdf.pages) throw new BadInputError(`${pdf.what} has pages without a size: export it again or upload page images`);
  for (const [page, size] of [...largest].sort((a, b) => a[0] - b[0])) {
    const px = { w: Math.ceil((size.width * DPI) / 72), h: Math.ceil((size.height * DPI) / 72) };
    if (!(px.w * px.h <= MAX_INPUT_PIXELS)) {
      throw new PageTooLargeError(
        `page ${page} of ${pdf.what} is ${Math.round(size.width)}×${Math.round(size.height)} pt, ${px.w}×${px.h} pixels at ${DPI} dpi ` +
          `(${Math.round((px.w * px.h) / 1e6)} megapixels, more than ${MAX_INPUT_PIXELS / 1e6}): export it at A4 or Letter size`,
      );
    }
  }
}

/** Renders every page (already counted and measured) as PNG, in page order. */
export async function renderPdf(pdf: PdfFile): Promise<Buffer[]> {
  const dir = path.dirname(pdf.path);
  await poppler(
    'pdftoppm',
    ['-r', String(DPI), '-png', '-l', String(pdf.pages), pdf.path, path.join(dir, 'page')],
    `${pdf.what} could not be rendered: export it again or upload page images`,
  );
  // pdftoppm names pages page-1.png or page-01.png (zero-padded to the page count's width).
  const files = (await fs.readdir(dir)).filter((f) => /^page-\d+\.png$/.test(f));
  files.sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  if (files.length === 0) throw new BadInputError(`${pdf.what} has no pages that could be rendered`);
  return Promise.all(files.map((f) => fs.readFile(path.join(dir, f))));
}
