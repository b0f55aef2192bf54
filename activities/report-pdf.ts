import type { Page } from 'puppeteer';
import { sharedBrowser } from '../lib/browser';

// HTML → A4 PDF in the process-wide Chromium. The report is self-contained, so nothing
// is fetched. Pages are reused (opening one costs ~50–100 ms); a page whose render
// failed is closed, never reused.

const RENDER_TIMEOUT_MS = 30_000;
/** as many as the worker renders at once, in practice; more would only hold memory */
const MAX_IDLE_PAGES = 4;
const idlePages: Page[] = [];

async function takePage(): Promise<Page> {
  // A crashed or disconnected browser is relaunched by sharedBrowser() on this call.
  const browser = await sharedBrowser();
  for (let page = idlePages.pop(); page; page = idlePages.pop()) {
    if (page.browser() === browser && !page.isClosed()) return page;
  }
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false); // reports carry no scripts; refuse any that slip in
  return page;
}

function returnPage(page: Page): void {
  if (idlePages.length < MAX_IDLE_PAGES && !page.isClosed()) idlePages.push(page);
  else void page.close().catch(() => undefined);
}

export async function renderPdf(html: string): Promise<Buffer> {
  let page: Page | undefined;
  try {
    page = await takePage();
    await page.setContent(html, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, timeout: RENDER_TIMEOUT_MS });
    if (pdf.byteLength === 0) throw new Error('Chromium returned an empty PDF');
    returnPage(page);
    return Buffer.from(pdf);
  } catch (err) {
    await page?.close().catch(() => undefined); // the page may already be gone with a crashed browser
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`could not render the report PDF: ${message}`, { cause: err });
  }
}
