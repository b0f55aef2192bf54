import type { Browser, Page } from 'puppeteer';
import { sharedBrowser, takeBlankPage } from './browser';

// Report renders reuse a few pages of the process-wide Chromium instead of opening and
// closing one each: measured, opening and closing a page costs about 160 ms of CPU, a third
// of a one-page report. A page goes back to the pool only after a render that succeeded; one
// that failed or timed out is closed, so a broken renderer is never reused. A page is retired
// after RENDERS_PER_PAGE renders, so nothing builds up in one renderer. At most MAX_PAGES
// renders run at once: a render waits ~30% of its time on Chromium's own processes, so a few
// overlap well, and every page is a renderer process (memory).

const MAX_PAGES = 4;
const RENDERS_PER_PAGE = 200;

interface Pooled {
  page: Page;
  renders: number;
}

let pool: { browser: Browser; idle: Pooled[] } | undefined;
let free = MAX_PAGES;
const waiting: (() => void)[] = [];

async function slot(): Promise<void> {
  if (free > 0) free--;
  else await new Promise<void>((resolve) => waiting.push(resolve));
}

function releaseSlot(): void {
  const next = waiting.shift();
  if (next) next();
  else free++;
}

async function takePage(): Promise<Pooled> {
  // A crashed or disconnected browser is relaunched by sharedBrowser(); its pages went with it.
  const browser = await sharedBrowser();
  if (pool?.browser !== browser) pool = { browser, idle: [] };
  for (let pooled = pool.idle.pop(); pooled; pooled = pool.idle.pop()) if (!pooled.page.isClosed()) return pooled;
  // A new page opens in a window of its own, in the background: a tab opened in the foreground
  // and kept would leave other pages of the shared browser (the web page test's) hidden, where
  // their animation frames stop. The launch's blank page was never in front of anything.
  const page = takeBlankPage(browser) ?? (await browser.newPage({ type: 'window', background: true }));
  await page.setJavaScriptEnabled(false); // reports carry no scripts; refuse any that slip in
  return { page, renders: 0 };
}

function giveBack(pooled: Pooled, healthy: boolean): Promise<void> | undefined {
  pooled.renders++;
  const { page } = pooled;
  const sameBrowser = page.browser().connected && pool?.browser === page.browser();
  const reusable = healthy && !page.isClosed() && sameBrowser && pooled.renders < RENDERS_PER_PAGE;
  if (reusable) {
    pool!.idle.push(pooled);
    return undefined;
  }
  return page.close().catch(() => undefined); // the page may already be gone with a crashed browser
}

/** Runs `use` on a pooled page of the shared browser with JavaScript off; the page is reused only if `use` succeeds. */
export async function withPooledPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  await slot();
  let pooled: Pooled | undefined;
  let healthy = false;
  try {
    pooled = await takePage();
    const out = await use(pooled.page);
    healthy = true;
    return out;
  } finally {
    if (pooled) await giveBack(pooled, healthy);
    releaseSlot();
  }
}
