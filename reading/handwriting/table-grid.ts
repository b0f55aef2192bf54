import { loadOpenCv, withMats } from '../opencv';
import type { GreyImage } from './mark-crop';
import { openLines } from './rule-opening';

// Printed tables on a page, found without a layout: the ruled lines are pulled out of the
// binarised page by morphology (long thin horizontal and vertical runs), and every enclosed
// hole of that line mask that is roughly a rectangle is a cell. Cells of one connected grid
// form one table; their rows and columns come from their centres, so a slight skew or a
// phone's perspective still gives clean rows. Handwriting never becomes a rule: a stroke is
// far shorter than the kernels.

export interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Table {
  /** rows top to bottom, each row's cells left to right */
  rows: Cell[][];
  box: Cell;
}

export async function findTables(page: GreyImage): Promise<Table[]> {
  const { cv } = await loadOpenCv();
  const { width: W, height: H } = page;
  return withMats((keep) => {
    const grey = keep(cv.matFromArray(H, W, cv.CV_8UC1, page.data));
    const bin = keep(new cv.Mat());
    cv.adaptiveThreshold(grey, bin, 255, cv.ADAPTIVE_THRESH_MEAN_C, cv.THRESH_BINARY_INV, 31, 12);
    const long = Math.max(W, H);
    // the rules: long horizontal runs or long vertical runs (openLines is morphologyEx's opening, by runs)
    const rules = openLines(bin.data, W, H, Math.round(long / 45), 'rows');
    openLines(bin.data, W, H, Math.round(long / 90), 'columns', rules);
    const grid = keep(cv.matFromArray(H, W, cv.CV_8UC1, rules));
    // close small gaps where a faint scan broke a rule, so cells stay enclosed
    cv.dilate(grid, grid, keep(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(3, 3))));
    const contours = keep(new cv.MatVector());
    const hierarchy = keep(new cv.Mat());
    cv.findContours(grid, contours, hierarchy, cv.RETR_CCOMP, cv.CHAIN_APPROX_SIMPLE);
    const byParent = new Map<number, Cell[]>();
    const minSide = long / 80,
      maxSide = long / 4;
    for (let i = 0; i < contours.size(); i++) {
      const parent = hierarchy.intPtr(0, i)[3]!;
      if (parent < 0) continue; // outer boundaries of grids; holes (cells) have a parent
      const c = contours.get(i);
      const rect = cv.boundingRect(c);
      const area = cv.contourArea(c);
      c.delete();
      if (rect.width < minSide || rect.height < minSide || rect.width > maxSide || rect.height > maxSide) continue;
      if (area < 0.7 * rect.width * rect.height) continue;
      const cells = byParent.get(parent) ?? [];
      cells.push({ x: rect.x, y: rect.y, w: rect.width, h: rect.height });
      byParent.set(parent, cells);
    }
    return [...byParent.values()]
      .filter((cells) => cells.length >= 4)
      .map(toTable)
      .filter((t): t is Table => t !== null)
      .sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  });
}

/** Cells into rows by their centres (a new row where the centre drops by half a cell). */
function toTable(cells: Cell[]): Table | null {
  const heights = cells.map((c) => c.h).sort((a, b) => a - b);
  const typical = heights[Math.floor(heights.length / 2)]!;
  const sorted = [...cells].sort((a, b) => a.y + a.h / 2 - (b.y + b.h / 2));
  const rows: Cell[][] = [];
  let lastY = -Infinity;
  for (const c of sorted) {
    const cy = c.y + c.h / 2;
    if (cy - lastY > typical * 0.5) rows.push([]);
    rows[rows.length - 1]!.push(c);
    lastY = cy;
  }
  for (const row of rows) row.sort((a, b) => a.x - b.x);
  if (rows.length < 1 || rows.every((r) => r.length < 2)) return null;
  const x0 = Math.min(...cells.map((c) => c.x)),
    y0 = Math.min(...cells.map((c) => c.y));
  const x1 = Math.max(...cells.map((c) => c.x + c.w)),
    y1 = Math.max(...cells.map((c) => c.y + c.h));
  return { rows, box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } };
}

/** The cell's pixels with a little of the surrounding rules (mark-crop.ts removes them). */
export function cutCell(page: GreyImage, c: Cell, pad = 2): GreyImage {
  const x0 = Math.max(0, c.x - pad),
    y0 = Math.max(0, c.y - pad);
  const x1 = Math.min(page.width, c.x + c.w + pad),
    y1 = Math.min(page.height, c.y + c.h + pad);
  const w = x1 - x0,
    h = y1 - y0;
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) data.set(page.data.subarray((y0 + y) * page.width + x0, (y0 + y) * page.width + x1), y * w);
  return { data, width: w, height: h };
}
