import type { Page } from 'puppeteer';
import { sharedBrowser } from '../../lib/documents/browser';

/**
 * A desktop-sized tab in the shared headless Chromium. Every console error and page error is
 * pushed to `problems` (a CSP violation is a console error), except console errors that match
 * `ignore`; a web test asserts the list stays empty.
 */
export async function openDesktopPage(problems: string[], timeoutMs: number, ignore?: RegExp): Promise<Page> {
  const page = await (await sharedBrowser()).newPage();
  await page.setViewport({ width: 1366, height: 900, deviceScaleFactor: 1 });
  page.setDefaultTimeout(timeoutMs);
  page.on('console', (m) => m.type() === 'error' && !ignore?.test(m.text()) && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  return page;
}
