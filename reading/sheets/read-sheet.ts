import sharp from 'sharp';
import { SheetNotFoundError } from '../errors';
import { loadOpenCv, withMats } from '../opencv';
import { decodePage, type PageImage } from '../page-image';
import { registerSheet, type Registration } from './registration';
import { fillThreshold, inkScale, judge, measureAll, type BubbleSpot, type BubbleVerdict } from './bubbles';
import type { Homography } from './homography';
import { bubbleQuestions, parseSheetCode, type SheetLayout, type SheetLayoutPage, type SheetRect } from '../../domain/sheet-layout';
import type { QuestionType } from '../../domain/template';

// Reads one page of a filled answer sheet: registration, then every bubble against the sheet's
// own empty bubbles, the student number, and the fill/open boxes cut out straight for OCR and
// for the report.

export type MarkFlag = 'double' | 'erased' | 'stray' | 'faint' | 'low_confidence';
export interface SheetAnswer {
  number: string;
  section: string | null;
  type: QuestionType;
  /** "B", "AC" (two marks on a single choice read as both letters), "T"/"F"; null = blank */
  answer: string | null;
  confidence: number;
  flags: MarkFlag[];
}
export interface SheetBox {
  number: string;
  section: string | null;
  type: 'fill' | 'open';
  png: Buffer;
}
export interface SheetReading {
  templateId: string;
  pageIndex: number;
  studentNumber: string | null;
  studentNumberConfidence: number;
  answers: SheetAnswer[];
  boxes: SheetBox[];
  registration: { method: 'markers' | 'outline' | 'code' | 'none' | 'features'; rotation: 0 | 90 | 180 | 270 };
}

export { SheetNotFoundError };

const BOX_PX_PER_PT = 3;

function notFound(seen: { markers: number; code: boolean }): SheetNotFoundError {
  const what =
    seen.markers === 0 && !seen.code
      ? 'neither the four black corner squares nor the QR code'
      : `only ${seen.markers} of the four black corner squares and ${seen.code ? 'the QR code' : 'no readable QR code'}`;
  return new SheetNotFoundError(
    `No examflow answer sheet was found in this image: ${what} could be seen. ` +
      'Photograph or scan the whole sheet, flat, with all four corner squares and the QR code visible and in focus, and avoid strong shadows.',
  );
}

function whichPage(layout: SheetLayout, reg: Registration, pageIndex: number | undefined): number {
  const code = reg.code ? parseSheetCode(reg.code) : null;
  if (code && code.templateId !== layout.templateId) {
    throw new SheetNotFoundError(
      `This sheet belongs to template "${code.templateId}", not "${layout.templateId}": submit it with its own template, or without one so that its QR code decides.`,
    );
  }
  if (code && pageIndex !== undefined && code.pageIndex !== pageIndex) {
    throw new SheetNotFoundError(
      `This is page ${code.pageIndex + 1} of the answer sheet, where page ${pageIndex + 1} was expected: check the order of the pages.`,
    );
  }
  const page = code?.pageIndex ?? pageIndex ?? (layout.pages.length === 1 ? 0 : undefined);
  if (page === undefined)
    throw new SheetNotFoundError(
      `The QR code of this ${layout.pages.length}-page answer sheet could not be read, so it is unclear which page this is: retake the picture with the QR code sharp, or give the page number.`,
    );
  if (page >= layout.pages.length)
    throw new SheetNotFoundError(`The answer sheet has ${layout.pages.length} page(s); page ${page + 1} does not exist.`);
  return page;
}

function answerOf(type: QuestionType, labels: string[], verdicts: BubbleVerdict[]): Omit<SheetAnswer, 'number' | 'section' | 'type'> {
  const marked = labels.filter((_, i) => verdicts[i]!.marked);
  const flags = new Set<MarkFlag>();
  if (marked.length > 1 && type !== 'multi') flags.add('double');
  for (const v of verdicts) {
    if (v.kind === 'faint') flags.add('faint');
    if (v.kind === 'erased') flags.add('erased');
    if (v.kind === 'stray') flags.add('stray');
  }
  const confidence = Math.min(...verdicts.map((v) => 0.5 + 0.5 * v.margin));
  return { answer: marked.length ? marked.join('') : null, confidence: Math.round(confidence * 1000) / 1000, flags: [...flags] };
}

function studentNumberOf(page: SheetLayoutPage, verdicts: BubbleVerdict[]): { value: string | null; confidence: number } {
  const grid = page.studentNumber!;
  const digits: (string | null)[] = [];
  let confidence = 1;
  for (let d = 0; d < grid.digits; d++) {
    const column = grid.bubbles.map((b, i) => ({ b, v: verdicts[i]! })).filter((x) => x.b.digit === d);
    const marked = column.filter((x) => x.v.marked);
    confidence = Math.min(confidence, ...column.map((x) => 0.5 + 0.5 * x.v.margin));
    if (marked.length > 1) return { value: null, confidence: 0 };
    digits.push(marked[0]?.b.value ?? null);
  }
  // numbers shorter than the grid leave columns blank at either end, never in the middle
  const text = digits
    .map((d) => d ?? ' ')
    .join('')
    .trim();
  if (!text || text.includes(' ')) return { value: null, confidence: text ? 0 : confidence };
  return { value: text, confidence: Math.round(confidence * 1000) / 1000 };
}

/** The box straightened from the picture, in grey, at `pxPerUnit` pixels per layout unit. */
export async function cutBox(img: PageImage, h: Homography, box: SheetRect, pxPerUnit = BOX_PX_PER_PT): Promise<Buffer> {
  const { cv } = await loadOpenCv();
  const s = 1 / pxPerUnit;
  const m = [
    h[0]! * s,
    h[1]! * s,
    h[0]! * box.x + h[1]! * box.y + h[2]!,
    h[3]! * s,
    h[4]! * s,
    h[3]! * box.x + h[4]! * box.y + h[5]!,
    h[6]! * s,
    h[7]! * s,
    h[6]! * box.x + h[7]! * box.y + h[8]!,
  ];
  const w = Math.round(box.w * pxPerUnit);
  const hh = Math.round(box.h * pxPerUnit);
  const pixels = withMats((keep) => {
    const src = keep(cv.matFromArray(img.height, img.width, cv.CV_8UC1, img.data));
    const map = keep(cv.matFromArray(3, 3, cv.CV_64FC1, m));
    const out = keep(new cv.Mat());
    cv.warpPerspective(src, out, map, new cv.Size(w, hh), cv.INTER_LINEAR | cv.WARP_INVERSE_MAP, cv.BORDER_REPLICATE);
    return Buffer.from(out.data);
  });
  return sharp(pixels, { raw: { width: w, height: hh, channels: 1 } })
    .normalise()
    .png({ compressionLevel: 3 })
    .toBuffer();
}

/** Reads one page of a filled answer sheet of `layout` (a scan or a phone photo, any way up). */
export async function readAnswerSheet(image: Buffer, layout: SheetLayout, pageIndex?: number): Promise<SheetReading> {
  const img = await decodePage(image);
  const reg = await registerSheet(img);
  if ('failed' in reg) throw notFound(reg.seen);
  const index = whichPage(layout, reg, pageIndex);
  const page = layout.pages[index]!;

  const questions = bubbleQuestions(page);
  const spots: BubbleSpot[] = questions.flatMap((q) => q.options);
  const gridSpots: BubbleSpot[] = page.studentNumber?.bubbles.map((b) => ({ x: b.x, y: b.y, r: b.r, label: `#${b.value}` })) ?? [];
  const measures = measureAll(img, reg.h, [...spots, ...gridSpots], inkScale(img, reg.h, page.markers));
  const { threshold } = fillThreshold(measures.map((m) => m.fill));
  const verdicts = measures.map((m) => judge(m, threshold));

  let at = 0;
  const answers: SheetAnswer[] = questions.map((q) => {
    const mine = verdicts.slice(at, at + q.options.length);
    at += q.options.length;
    return {
      number: q.number,
      section: q.section,
      type: q.type,
      ...answerOf(
        q.type,
        q.options.map((o) => o.label),
        mine,
      ),
    };
  });
  const student = page.studentNumber ? studentNumberOf(page, verdicts.slice(spots.length)) : { value: null, confidence: 0 };

  const boxes: SheetBox[] = [];
  for (const q of page.questions) {
    if ('box' in q) boxes.push({ number: q.number, section: q.section, type: q.type, png: await cutBox(img, reg.h, q.box) });
  }
  return {
    templateId: layout.templateId,
    pageIndex: index,
    studentNumber: student.value,
    studentNumberConfidence: student.confidence,
    answers,
    boxes,
    registration: { method: reg.method, rotation: reg.rotation },
  };
}
