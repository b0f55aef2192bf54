import type { Page, Target } from 'puppeteer';
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

/** Resolves once the tab that `p` opens next (a PDF, a download) has been closed. */
export function closePopupOf(p: Page): Promise<void> {
  return new Promise<void>((resolve) => {
    const browser = p.browser();
    const onTarget = (t: Target) => {
      if (t.opener() !== p.target()) return;
      browser.off('targetcreated', onTarget);
      resolve(
        t
          .page()
          .then((page) => page?.close())
          .catch(() => undefined),
      );
    };
    browser.on('targetcreated', onTarget);
  });
}
