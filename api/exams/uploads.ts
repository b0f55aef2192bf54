import multer from '@koa/multer';
import type { Middleware } from 'koa';
import sharp, { type Metadata } from 'sharp';
import { checkPdfPageSizes, isPdf, openPdf, PageTooLargeError, renderPdf, type PdfFile } from '../../lib/documents/pdf-pages';
import { BadInputError } from '../../domain/bad-input';
import { MAX_PAGE_PIXELS, MIN_PAGE_SIDE, pageImageFormats, pageMessages } from '../../domain/page-rules';
import { ApiError } from '../http/errors';

// Page images (or PDFs, split into page images here) arrive as multipart `pages` files,
// held in memory within the configured limits, and are checked before anything is stored
// or started.

export function pagesUpload(limits: { maxBytes: number; maxPages: number }): Middleware {
  const receive = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limits.maxBytes, files: limits.maxPages, fields: 10, fieldSize: 10_000, parts: limits.maxPages + 10 },
  }).array('pages', limits.maxPages);
  // PDFs are split into page images here, so every route downstream sees pages only.
  return async (ctx, next) => {
    await receive(ctx, async () => {
      const files = ctx.request.files;
      if (Array.isArray(files)) files.forEach((f, i) => checkFileName(f.originalname, i));
      if (Array.isArray(files)) ctx.request.files = ctx.files = await expandPdfPages(files, limits.maxPages);
      await next();
    });
  };
}

/** A file name is shown back to teachers and logged: printable text of a sensible length only. */
function checkFileName(name: string, index: number): void {
  // eslint-disable-next-line no-control-regex
  if (name.length > 255 || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) {
    throw new ApiError(
      400,
      'invalid_upload',
      `file ${index + 1} has a name that is too long or holds control characters: rename it (at most 255 printable characters)`,
    );
  }
}

interface UploadedFile {
  buffer: Buffer;
  originalname: string;
  size: number;
  mimetype: string;
}

/**
 * Replaces every PDF file by its pages (PNG, 150 dpi), in order; at most maxPages pages in
 * all. All files are counted, then every page of every PDF is measured, and only then is
 * anything rendered: a refused upload costs a pdfinfo per file, never a render.
 */
export async function expandPdfPages<F extends UploadedFile>(files: F[], maxPages: number): Promise<F[]> {
  if (!files.some((f) => isPdf(f.buffer))) return files;
  const opened: (PdfFile | null)[] = [];
  try {
    for (const [i, file] of files.entries()) {
      opened.push(
        isPdf(file.buffer) ? await translate(() => openPdf(file.buffer, `file ${i + 1} (${file.originalname || 'unnamed'})`)) : null,
      );
    }
    const total = opened.reduce((n, pdf) => n + (pdf ? pdf.pages : 1), 0);
    if (total > maxPages) {
      const pdfs = opened
        .filter((p): p is PdfFile => p !== null)
        .map((p) => `${p.what}: ${p.pages}`)
        .join(', ');
      throw new ApiError(
        400,
        'too_many_pages',
        `the upload has ${total} pages once its PDFs are split (${pdfs}), more than the ${maxPages} pages an exam may have`,
      );
    }
    for (const pdf of opened) if (pdf) await translate(() => checkPdfPageSizes(pdf));
    const pages: F[] = [];
    for (const [i, file] of files.entries()) {
      const pdf = opened[i];
      if (!pdf) {
        pages.push(file);
        continue;
      }
      const rendered = await translate(() => renderPdf(pdf));
      rendered.forEach((png, k) =>
        pages.push({
          ...file,
          buffer: png,
          size: png.length,
          mimetype: 'image/png',
          originalname: `${file.originalname || 'document.pdf'} page ${k + 1}`,
        }),
      );
    }
    return pages;
  } finally {
    await Promise.all(opened.filter((pdf) => pdf !== null).map((pdf) => pdf.dispose()));
  }
}

/** PDF problems as the API's answers. */
async function translate<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof PageTooLargeError) throw new ApiError(413, 'image_too_large', err.message);
    if (err instanceof BadInputError) throw new ApiError(400, 'invalid_page', err.message);
    throw err;
  }
}

/** Rejects, with a message a teacher can act on, any page that is not a readable image (domain/page-rules.ts). */
export async function checkPages(files: { originalname: string; buffer: Buffer }[]): Promise<void> {
  if (files.length === 0)
    throw new ApiError(400, 'no_pages', 'no pages uploaded: send the page images as multipart files named "pages", in page order');
  await Promise.all(files.map((file, i) => checkPage(file.buffer, `page ${i + 1} (${file.originalname || 'unnamed'})`)));
}

async function checkPage(buffer: Buffer, which: string): Promise<void> {
  if (buffer.length === 0) throw new ApiError(400, 'invalid_page', pageMessages.empty(which));
  let meta: Metadata;
  try {
    meta = await sharp(buffer, { limitInputPixels: MAX_PAGE_PIXELS }).metadata();
  } catch (err) {
    if (/pixel limit/i.test(String((err as Error).message))) throw new ApiError(413, 'image_too_large', pageMessages.tooManyPixels(which));
    throw new ApiError(415, 'unsupported_media_type', pageMessages.notReadable(which));
  }
  if (!meta.format || !pageImageFormats.includes(meta.format)) {
    throw new ApiError(415, 'unsupported_media_type', pageMessages.wrongFormat(which, meta.format));
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > MAX_PAGE_PIXELS) throw new ApiError(413, 'image_too_large', pageMessages.tooManyPixels(which));
  if (width < MIN_PAGE_SIDE || height < MIN_PAGE_SIDE) throw new ApiError(400, 'invalid_page', pageMessages.tooSmall(which, width, height));
}
