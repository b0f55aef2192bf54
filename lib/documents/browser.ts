import puppeteer, { type Browser, type Page } from 'puppeteer';
import { watchBrowser } from './browser-watchdog';
import { config } from '../config';

// One Chromium per process, launched on first use and relaunched if it dies; every
// report and fixture render opens a page in it instead of starting a browser.
let launching: Promise<Browser> | undefined;
/** the about:blank page Chromium opens at launch, until someone takes it (takeBlankPage) */
const blankPages = new WeakMap<Browser, Page>();

export function sharedBrowser(): Promise<Browser> {
  launching ??= puppeteer
    .launch({
      executablePath: config().CHROMIUM_PATH,
      headless: true,
      // DevTools over a pipe: Chromium exits by itself when this process's end of the pipe
      // closes, however the process dies, even while the launch is still under way (the
      // watchdog below only exists once the launch has returned).
      pipe: true,
      // Offline machine: no background networking; root in containers needs --no-sandbox.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--font-render-hinting=none',
      ],
    })
    .then(async (browser) => {
      const [blank] = await browser.pages();
      if (blank) blankPages.set(browser, blank);
      // The browser dies with this process, even when it is killed outright.
      const pid = browser.process()?.pid;
      const watchdog = pid ? watchBrowser(pid) : undefined;
      browser.on('disconnected', () => {
        // The connection can close before Chromium's processes have exited (seen: the browser
        // and its crashpad handlers still alive after the worker stopped): end the whole
        // process group now, then the watchdog that would have done it on this process's death.
        if (pid) killProcessGroup(pid);
        watchdog?.disarm();
        launching = undefined;
      });
      return browser;
    })
    .catch((err: unknown) => {
      launching = undefined;
      throw err;
    });
  return launching;
}

/** The page Chromium opened at launch, handed out once (a page pool starts with it rather than keep a spare). */
export function takeBlankPage(browser: Browser): Page | undefined {
  const page = blankPages.get(browser);
  blankPages.delete(browser);
  return page && !page.isClosed() ? page : undefined;
}

export async function closeSharedBrowser(): Promise<void> {
  const pending = launching;
  launching = undefined;
  if (pending) await (await pending.catch(() => undefined))?.close();
}

function killProcessGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
