// What examflow accepts as a page: its formats, its size in pixels, how a PDF becomes pages,
// and the words a teacher reads when a file is refused. The API checks uploads with these,
// the OpenAPI document and the web page (GET /page-rules.json) describe them from here, and
// the reading engine refuses the same. Pure.

interface PageFormat {
  /** sharp's name of the format; `pdf` is split into page images before anything else sees it */
  format: 'png' | 'jpeg' | 'webp' | 'tiff' | 'pdf';
  mimeType: string;
  extensions: readonly string[];
  label: string;
}

const pageFormats: readonly PageFormat[] = [
  { format: 'png', mimeType: 'image/png', extensions: ['png'], label: 'PNG' },
  { format: 'jpeg', mimeType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG' },
  { format: 'webp', mimeType: 'image/webp', extensions: ['webp'], label: 'WebP' },
  { format: 'tiff', mimeType: 'image/tiff', extensions: ['tif', 'tiff'], label: 'TIFF' },
  { format: 'pdf', mimeType: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
];

/** The image formats a page may have once PDFs are split (sharp's names). */
export const pageImageFormats: readonly string[] = pageFormats.filter((f) => f.format !== 'pdf').map((f) => f.format);

/** Larger than any real scan (A4 at 600 dpi is ~35 MP); stops decompression bombs. */
export const MAX_PAGE_PIXELS = 60_000_000;
export const MAX_PAGE_MEGAPIXELS = MAX_PAGE_PIXELS / 1e6;
/** Narrower or lower than this, no text on the page can be read. */
export const MIN_PAGE_SIDE = 200;
/** A PDF's pages become PNG images at this resolution. */
export const PDF_PAGE_DPI = 150;

/** "PNG, JPEG, WebP, TIFF or PDF" */
export const acceptedFormatsText = `${pageFormats
  .slice(0, -1)
  .map((f) => f.label)
  .join(', ')} or ${pageFormats.at(-1)!.label}`;

/** The messages of a refused page; `which` names it ("page 2 (scan.jpg)"). */
export const pageMessages = {
  empty: (which: string) => `${which} is an empty file`,
  notReadable: (which: string) => `${which} is not a readable image: upload ${acceptedFormatsText}`,
  wrongFormat: (which: string, format: string | undefined) => `${which} is ${format ?? 'an unknown format'}: upload ${acceptedFormatsText}`,
  tooManyPixels: (which: string) => `${which} has more than ${MAX_PAGE_MEGAPIXELS} megapixels: scan at 300 dpi or less`,
  tooSmall: (which: string, width: number, height: number) =>
    `${which} is only ${width}×${height} pixels: too small to read, scan at 150 dpi or more`,
};

/** What a page may be, for a client that checks files before sending them (the web page). */
export function pageRules(limits: { maxBytes: number; maxPages: number }) {
  return {
    formats: pageFormats.map(({ mimeType, extensions, label }) => ({ mimeType, extensions, label })),
    /** for an <input type="file" accept=…> */
    accept: pageFormats.flatMap((f) => [f.mimeType, ...f.extensions.map((e) => `.${e}`)]).join(','),
    acceptedFormatsText,
    maxBytesPerFile: limits.maxBytes,
    maxPages: limits.maxPages,
    maxMegapixels: MAX_PAGE_MEGAPIXELS,
    minSide: MIN_PAGE_SIDE,
    pdf: `split into one page per PDF page, rendered at ${PDF_PAGE_DPI} dpi`,
  };
}
