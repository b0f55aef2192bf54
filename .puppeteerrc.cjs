// Puppeteer drives the system Chromium (Debian's `chromium` package); never download a browser.
module.exports = { skipDownload: true };
