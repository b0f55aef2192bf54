import type { Chromium } from './browser';
import { ReportFonts } from './report-fonts';

// HTML → A4 PDF in the given Chromium. The report is self-contained, so nothing is
// fetched; the page comes from a small pool (page-pool.ts): setContent replaces the whole
// document of the last render, and a page whose render failed is closed, never reused.

const RENDER_TIMEOUT_MS = 30_000;

/** the CJK faces of this process's renders, loaded at the first (report-fonts.ts) */
const reportFonts = new ReportFonts();

export async function renderPdf(chromium: Chromium, html: string): Promise<Buffer> {
  try {
    return await chromium.pages.withPage(async (page) => {
      // Self-contained HTML: 'load' fires once it is parsed and laid out (no fetches to wait for).
      await page.setContent(reportFonts.embedSubsets(html), { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, timeout: RENDER_TIMEOUT_MS });
      if (pdf.byteLength === 0) throw new Error('Chromium returned an empty PDF');
      return Buffer.from(pdf);
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`could not render the report PDF: ${message}`, { cause: err });
  }
}
