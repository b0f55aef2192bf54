import './env';
import { sharedBrowser } from '../../lib/documents/browser';

// A stand-in worker for the watchdog test: it launches the shared browser, prints the
// browser's pid and then waits to be killed.
void sharedBrowser().then((browser) => {
  process.stdout.write(`${browser.process()?.pid}\n`);
  setInterval(() => undefined, 60_000);
});
