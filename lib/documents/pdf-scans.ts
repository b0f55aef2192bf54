import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BadInputError } from '../../domain/bad-input';
import { MAX_INPUT_PIXELS } from '../../reading/preprocess/preprocess';
import { renderPdf, type PdfFile } from './pdf-pages';

// The pages of a copier's scan, fast. A scanned PDF is one picture per page: that picture is
// taken out as it is (pdfimages, no decoding), which costs milliseconds, where drawing the
// page (pdftoppm) can take seconds a page (colour-managed JPEGs). Any page that is not one
// picture covering the page (text, vector drawings, masks, codecs sharp cannot read) is drawn
// at 150 dpi as before, so nothing on a page is ever lost.

const run = promisify(execFile);
const TIMEOUT_MS = 120_000;
/** the picture must cover this share of the page to be the page */
const COVERS = 0.9;
/** encodings pdfimages -all writes as files sharp reads (jpeg as .jpg, flate "image" as .png) */
const readable: Record<string, string> = { jpeg: 'jpg', image: 'png' };

interface ImageRow {
  page: number;
  num: number;
  type: string;
  width: number;
  height: number;
  enc: string;
  xppi: number;
  yppi: number;
}

async function tool(name: 'pdfinfo' | 'pdfimages' | 'pdftoppm', args: string[], what: string): Promise<string> {
  try {
    return (await run(name, args, { timeout: TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 })).stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${name} is not installed: run scripts/setup.sh (poppler-utils)`, { cause: err });
    throw new BadInputError(`${what} could not be read: export it again or upload page images`, { cause: err });
  }
}

function imageRows(list: string): ImageRow[] {
  return list
    .split('\n')
    .slice(2)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 14 && /^\d+$/.test(f[0]!))
    .map((f) => ({
      page: Number(f[0]),
      num: Number(f[1]),
      type: f[2]!,
      width: Number(f[3]),
      height: Number(f[4]),
      enc: f[8]!,
      xppi: Number(f[12]),
      yppi: Number(f[13]),
    }));
}

function pageSizes(info: string): Map<number, { width: number; height: number }> {
  const sizes = new Map<number, { width: number; height: number }>();
  for (const m of info.matchAll(/^Page\s+(\d+)\s+size:\s+([\d.]+) x ([\d.]+) pts/gm))
    sizes.set(Number(m[1]), { width: Number(m[2]), height: Number(m[3]) });
  return sizes;
}

/** The page's one picture, when the page is nothing but that picture; null otherwise. */
function scanOf(page: number, rows: ImageRow[], size: { width: number; height: number } | undefined): ImageRow | null {
  const own = rows.filter((r) => r.page === page);
  const picture = own[0];
  if (own.length !== 1 || !picture || picture.type !== 'image' || !readable[picture.enc] || !size) return null;
  if (picture.width * picture.height > MAX_INPUT_PIXELS || !(picture.xppi > 0 && picture.yppi > 0)) return null;
  const covered = ((picture.width / picture.xppi) * 72 * (picture.height / picture.yppi) * 72) / (size.width * size.height);
  return covered >= COVERS ? picture : null;
}

/** Every page as an image, in order: scanned pages as their own pictures, other pages drawn. */
export async function scanPages(pdf: PdfFile): Promise<Buffer[]> {
  const [list, info] = await Promise.all([
    tool('pdfimages', ['-list', pdf.path], pdf.what),
    tool('pdfinfo', ['-f', '1', '-l', String(pdf.pages), pdf.path], pdf.what),
  ]);
  const rows = imageRows(list);
  const sizes = pageSizes(info);
  const scans = Array.from({ length: pdf.pages }, (_, i) => scanOf(i + 1, rows, sizes.get(i + 1)));
  if (scans.some((s) => s === null)) return renderPdf(pdf); // a page to draw: draw them all, as before
  const dir = path.dirname(pdf.path);
  await tool('pdfimages', ['-all', pdf.path, path.join(dir, 'scan')], pdf.what);
  const width = (n: number) => String(n).padStart(3, '0');
  return Promise.all(scans.map((s) => fs.readFile(path.join(dir, `scan-${width(s!.num)}.${readable[s!.enc]}`))));
}
