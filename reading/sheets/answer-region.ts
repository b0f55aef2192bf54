import sharp from 'sharp';
import type { SheetLayout, SheetRect } from '../../domain/sheet-layout';
import { decodePage } from '../page-image';
import { cutBox } from './read-sheet';
import { registerSheet } from './registration';

// The answer region of one question, cut from the page it was read on, for a teacher's review:
// on an answer sheet the question's bubble row (with its printed number) or box, straightened
// by the sheet's registration; on any other page the page itself, scaled to a screen's width.

/** Room around a bubble row, in points: a stray mark beside it is seen, the next row is not. */
const MARGIN_X = 8;
const MARGIN_Y = 3;
const SCREEN_WIDTH = 1000;

/** Where a question's answer sits on its sheet page, in layout points; null when the layout has no such question. */
export function sheetRegion(layout: SheetLayout, number: string, section: string | null): SheetRect | null {
  for (const page of layout.pages) {
    const q = page.questions.find((x) => x.number === number && x.section === section);
    if (!q) continue;
    if ('box' in q) return q.box;
    const left = Math.min(q.labelAt.x, ...q.options.map((o) => o.x - o.r)) - MARGIN_X;
    const right = Math.max(...q.options.map((o) => o.x + o.r)) + MARGIN_X;
    const top = Math.min(...q.options.map((o) => o.y - o.r)) - MARGIN_Y;
    const bottom = Math.max(...q.options.map((o) => o.y + o.r)) + MARGIN_Y;
    return { x: left, y: top, w: right - left, h: bottom - top };
  }
  return null;
}

/**
 * An answer sheet photo or scan, registered once: a cutter of straightened regions, or null
 * when the sheet cannot be registered.
 */
export async function sheetCutter(image: Buffer): Promise<((rect: SheetRect) => Promise<Buffer>) | null> {
  const img = await decodePage(image);
  const reg = await registerSheet(img);
  if ('failed' in reg) return null;
  return (rect) => cutBox(img, reg.h, rect);
}

/** A page as a teacher's screen shows it: upright as stored, at most a screen wide, PNG. */
export function pageForScreen(image: Buffer): Promise<Buffer> {
  return sharp(image).rotate().resize({ width: SCREEN_WIDTH, withoutEnlargement: true }).png({ compressionLevel: 6 }).toBuffer();
}
