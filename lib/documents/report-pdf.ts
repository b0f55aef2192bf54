import type { Page } from 'puppeteer';
import type { Chromium } from './browser';

// HTML → A4 PDF in the given Chromium. The report is self-contained, so nothing is
// fetched; a page is opened per render and always closed, even when printing fails.

const RENDER_TIMEOUT_MS = 30_000;

export async function renderPdf(chromium: Chromium, html: string): Promise<Buffer> {
  let page: Page | undefined;
  try {
    // A crashed or disconnected browser is relaunched on this call.
    const browser = await chromium.browser();
    page = await browser.newPage();
    await page.setJavaScriptEnabled(false); // reports carry no scripts; refuse any that slip in
    await page.setContent(html, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, timeout: RENDER_TIMEOUT_MS });
    if (pdf.byteLength === 0) throw new Error('Chromium returned an empty PDF');
    return Buffer.from(pdf);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`could not render the report PDF: ${message}`, { cause: err });
  } finally {
    await page?.close().catch(() => undefined); // the page may already be gone with a crashed browser
  }
}
