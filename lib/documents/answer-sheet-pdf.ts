import QRCode from 'qrcode';
import type { Page } from 'puppeteer';
import type { Chromium } from './browser';
import { sheetLayout, type SheetLayout, type SheetLayoutPage } from '../../domain/sheet-layout';
import type { Template } from '../../domain/template';

// The printable answer sheet: one SVG per A4 page drawn in points straight from sheetLayout(),
// printed by the shared Chromium (CJK titles render with the installed Noto CJK fonts).
// Bubbles are a thin red ring with a pale letter: a copier turns them mid-grey and a phone sees
// them clearly, while a pencil fill is far darker; the reader also drops red print by using
// the red channel.

const RENDER_TIMEOUT_MS = 30_000;
const BUBBLE_INK = '#d8453f';
const BUBBLE_LETTER_INK = '#ee8f8b';
const FONT = `'Noto Sans CJK SC','Noto Sans CJK','Noto Sans',sans-serif`;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (v: number) => Math.round(v * 100) / 100;

function qrModules(text: string, x: number, y: number, size: number): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const cell = size / count;
  const path: string[] = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      // +0.02 overlap avoids hairline gaps between modules in the rasterised PDF
      if (qr.modules.get(row, col))
        path.push(`M${n(x + col * cell)} ${n(y + row * cell)}h${n(cell + 0.02)}v${n(cell + 0.02)}h${n(-cell - 0.02)}z`);
    }
  }
  return `<path d="${path.join('')}" fill="#000"/>`;
}

function bubble(x: number, y: number, r: number, label: string): string {
  return (
    `<circle cx="${n(x)}" cy="${n(y)}" r="${r}" fill="none" stroke="${BUBBLE_INK}" stroke-width="0.8"/>` +
    `<text x="${n(x)}" y="${n(y + r * 0.42)}" font-size="${n(r * 1.15)}" text-anchor="middle" fill="${BUBBLE_LETTER_INK}">${esc(label)}</text>`
  );
}

function pageSvg(page: SheetLayoutPage): string {
  const parts: string[] = [];
  for (const m of page.markers) parts.push(`<rect x="${n(m.x)}" y="${n(m.y)}" width="${m.size}" height="${m.size}" fill="#000"/>`);
  parts.push(qrModules(page.code.text, page.code.x, page.code.y, page.code.size));
  if (page.title) {
    const maxWidth = page.code.x - page.title.x - 12;
    parts.push(
      `<text x="${n(page.title.x)}" y="${n(page.title.y)}" font-size="${page.title.size}" font-weight="bold" textLength="${esc(String(maxWidth))}" lengthAdjust="spacingAndGlyphs" data-fit="1">${esc(page.title.text)}</text>`,
    );
  }
  const [name, klass] = page.nameLines;
  if (name)
    parts.push(
      `<text x="${n(name.x - 64)}" y="${n(name.y)}" font-size="10">姓名 Name</text><line x1="${n(name.x)}" y1="${n(name.y + 2)}" x2="${n(name.x + name.w)}" y2="${n(name.y + 2)}" stroke="#444" stroke-width="0.6"/>`,
    );
  if (klass)
    parts.push(
      `<text x="${n(klass.x - 60)}" y="${n(klass.y)}" font-size="10">班级 Class</text><line x1="${n(klass.x)}" y1="${n(klass.y + 2)}" x2="${n(klass.x + klass.w)}" y2="${n(klass.y + 2)}" stroke="#444" stroke-width="0.6"/>`,
    );
  if (page.studentNumber) {
    const { box, bubbles, digits } = page.studentNumber;
    parts.push(
      `<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.w)}" height="${n(box.h)}" fill="none" stroke="${BUBBLE_INK}" stroke-width="0.8"/>`,
    );
    parts.push(`<text x="${n(box.x + box.w + 12)}" y="${n(box.y + 12)}" font-size="10">学号 Student No.</text>`);
    parts.push(
      `<text x="${n(box.x + box.w + 12)}" y="${n(box.y + 30)}" font-size="8.5" fill="#555">用铅笔将圆圈完全涂黑 · Fill each bubble completely with a dark pencil.</text>`,
    );
    parts.push(
      `<text x="${n(box.x + box.w + 12)}" y="${n(box.y + 44)}" font-size="8.5" fill="#555">修改时请擦干净 · Erase changes cleanly.</text>`,
    );
    parts.push(`<text x="${n(box.x + box.w + 12)}" y="${n(box.y + 62)}" font-size="8.5" fill="#555">示例 Example:</text>`);
    parts.push(`<circle cx="${n(box.x + box.w + 82)}" cy="${n(box.y + 59)}" r="5.5" fill="#222"/>`);
    for (let d = 0; d < digits; d++) {
      const first = bubbles.find((b) => b.digit === d)!;
      parts.push(
        `<rect x="${n(first.x - 6.5)}" y="${n(box.y + 6)}" width="13" height="16" fill="none" stroke="${BUBBLE_INK}" stroke-width="0.6"/>`,
      );
    }
    for (const b of bubbles) parts.push(bubble(b.x, b.y, b.r, b.value));
  }
  for (const h of page.headings) parts.push(`<text x="${n(h.x)}" y="${n(h.y)}" font-size="11.5" font-weight="bold">${esc(h.text)}</text>`);
  for (const q of page.questions) {
    if ('options' in q) {
      parts.push(`<text x="${n(q.labelAt.x + 20)}" y="${n(q.labelAt.y + 3.5)}" font-size="10" text-anchor="end">${esc(q.number)}</text>`);
      for (const o of q.options) parts.push(bubble(o.x, o.y, o.r, o.label));
    } else {
      const { x, y, w, h } = q.box;
      parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="none" stroke="${BUBBLE_INK}" stroke-width="0.8"/>`);
      parts.push(`<text x="${n(x + 4)}" y="${n(y + 10)}" font-size="8" fill="${BUBBLE_INK}">${esc(q.number)}</text>`);
    }
  }
  parts.push(
    `<text x="${n(page.footer.x)}" y="${n(page.footer.y)}" font-size="7.5" fill="#777" text-anchor="middle">${esc(page.footer.text)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${page.width}pt" height="${page.height}pt" viewBox="0 0 ${page.width} ${page.height}" font-family="${esc(FONT)}">${parts.join('')}</svg>`;
}

function answerSheetHtml(layout: SheetLayout): string {
  const pages = layout.pages.map((p) => `<div class="page">${pageSvg(p)}</div>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(layout.title)}</title><style>
@page { size: A4; margin: 0 }
html, body { margin: 0; padding: 0; background: #fff }
.page { width: 595.28pt; height: 841.89pt; overflow: hidden; break-after: page; page-break-after: always }
.page:last-child { break-after: auto; page-break-after: auto }
svg { display: block }
</style></head><body>${pages}</body></html>`;
}

/** Shrinks a title that would run into the code; SVG textLength would stretch short ones. */
const FIT_TITLES = `for (const t of document.querySelectorAll('text[data-fit]')) {
  const max = Number(t.getAttribute('textLength'));
  if (t.getComputedTextLength() <= max) t.removeAttribute('textLength'); }`;

/** The printable PDF of exactly sheetLayout(template). */
export async function renderAnswerSheetPdf(chromium: Chromium, template: Template): Promise<Buffer> {
  let page: Page | undefined;
  try {
    const browser = await chromium.browser();
    page = await browser.newPage();
    await page.setContent(answerSheetHtml(sheetLayout(template)), { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
    await page.evaluate(FIT_TITLES);
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, timeout: RENDER_TIMEOUT_MS });
    if (pdf.byteLength === 0) throw new Error('Chromium returned an empty PDF');
    return Buffer.from(pdf);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`could not render the answer sheet PDF: ${message}`, { cause: err });
  } finally {
    await page?.close().catch(() => undefined);
  }
}
