import puppeteer, { type Browser, type Page } from 'puppeteer';
import { watchBrowser } from './browser-watchdog';
import { accessSync, constants } from 'node:fs';
import { config, type Config } from '../config';
import { PagePool } from './page-pool';

// A Chromium launched on first use and relaunched if it dies; every report and fixture render
// opens a page in it instead of starting a browser. The worker and the API build their own
// from the configuration their main file read (worker/activity-deps.ts, api/main.ts); tests,
// fixtures, benchmarks and scripts share one (sharedChromium).

export class Chromium {
  private launching: Promise<Browser> | undefined;
  /** the about:blank page Chromium opens at launch, until the page pool takes it */
  private blank: Page | undefined;
  /** report renders reuse a few pages of this browser (page-pool.ts) */
  readonly pages = new PagePool(this);

  /** `shell`: executablePath is Chromium's headless shell (chromium-headless-shell), not the browser */
  constructor(
    private readonly executablePath: string,
    private readonly headless: true | 'shell' = true,
  ) {}

  browser(): Promise<Browser> {
    this.launching ??= this.launch();
    return this.launching;
  }

  async close(): Promise<void> {
    const pending = this.launching;
    this.launching = undefined;
    if (pending) await (await pending.catch(() => undefined))?.close();
  }

  /** The page Chromium opened at launch, handed out once (a page pool starts with it rather than keep a spare). */
  takeBlankPage(browser: Browser): Page | undefined {
    const page = this.blank;
    this.blank = undefined;
    return page && !page.isClosed() && page.browser() === browser ? page : undefined;
  }

  private launch(): Promise<Browser> {
    return puppeteer
      .launch({
        executablePath: this.executablePath,
        headless: this.headless,
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
        [this.blank] = await browser.pages();
        // The browser dies with this process, even when it is killed outright.
        const pid = browser.process()?.pid;
        const watchdog = pid ? watchBrowser(pid) : undefined;
        browser.on('disconnected', () => {
          // The connection can close before Chromium's processes have exited (seen: the browser
          // and its crashpad handlers still alive after the worker stopped): end the whole
          // process group now, then the watchdog that would have done it on this process's death.
          if (pid) killProcessGroup(pid);
          watchdog?.disarm();
          this.launching = undefined;
        });
        return browser;
      })
      .catch((err: unknown) => {
        this.launching = undefined;
        throw err;
      });
  }
}

/**
 * The Chromium a worker or the API prints PDFs with: the headless shell when it is installed. It
 * prints the very same pages (same Blink, same Skia PDF backend; test/report.test.ts compares
 * their rasters) without starting a print-compositor process for every document, which costs the
 * full browser ~0.15 s of CPU a PDF, about half of a report's.
 */
export function pdfChromium(cfg: Pick<Config, 'CHROMIUM_PATH' | 'CHROMIUM_HEADLESS_SHELL_PATH'>): Chromium {
  const shell = cfg.CHROMIUM_HEADLESS_SHELL_PATH;
  return isExecutable(shell) ? new Chromium(shell, 'shell') : new Chromium(cfg.CHROMIUM_PATH);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let shared: Chromium | undefined;

/** The one Chromium of a test, fixture, benchmark or script process (CHROMIUM_PATH). */
export function sharedChromium(): Chromium {
  shared ??= new Chromium(config().CHROMIUM_PATH);
  return shared;
}

export function sharedBrowser(): Promise<Browser> {
  return sharedChromium().browser();
}

export async function closeSharedBrowser(): Promise<void> {
  await shared?.close();
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
