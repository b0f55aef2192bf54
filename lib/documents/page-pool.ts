import type { Browser, Page } from 'puppeteer';
import type { Chromium } from './browser';

// Report renders reuse a few pages of their Chromium instead of opening and
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

export class PagePool {
  private pool: { browser: Browser; idle: Pooled[] } | undefined;
  private free = MAX_PAGES;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly chromium: Chromium) {}

  /** Runs `use` on a pooled page with JavaScript off; the page is reused only if `use` succeeds. */
  async withPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
    await this.slot();
    let pooled: Pooled | undefined;
    let healthy = false;
    try {
      pooled = await this.takePage();
      const out = await use(pooled.page);
      healthy = true;
      return out;
    } finally {
      if (pooled) await this.giveBack(pooled, healthy);
      this.releaseSlot();
    }
  }

  private async slot(): Promise<void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  private async takePage(): Promise<Pooled> {
    // A crashed or disconnected browser is relaunched by browser(); its pages went with it.
    const browser = await this.chromium.browser();
    if (this.pool?.browser !== browser) this.pool = { browser, idle: [] };
    for (let pooled = this.pool.idle.pop(); pooled; pooled = this.pool.idle.pop()) if (!pooled.page.isClosed()) return pooled;
    // A new page opens in a window of its own, in the background: a tab opened in the foreground
    // and kept would leave other pages of the shared browser (the web page test's) hidden, where
    // their animation frames stop. The launch's blank page was never in front of anything.
    const page = this.chromium.takeBlankPage(browser) ?? (await browser.newPage({ type: 'window', background: true }));
    await page.setJavaScriptEnabled(false); // reports carry no scripts; refuse any that slip in
    return { page, renders: 0 };
  }

  private giveBack(pooled: Pooled, healthy: boolean): Promise<void> | undefined {
    pooled.renders++;
    const { page } = pooled;
    const sameBrowser = page.browser().connected && this.pool?.browser === page.browser();
    const reusable = healthy && !page.isClosed() && sameBrowser && pooled.renders < RENDERS_PER_PAGE;
    if (reusable) {
      this.pool!.idle.push(pooled);
      return undefined;
    }
    return page.close().catch(() => undefined); // the page may already be gone with a crashed browser
  }
}
