import { applyFilters } from './layout-filters';
import { registerLayout } from './layout-registration';
import { againstEmptyLook, pageThreshold, readField, type FieldReading } from './bubble-thresholds';
import { project, type Homography } from './homography';
import { darknessAt, decodePage, type PageImage } from '../page-image';
import { cutBox, type MarkFlag, type SheetAnswer, type SheetBox, type SheetReading } from './read-sheet';
import { layoutFields, questionLabels, type Layout, type LayoutBubble } from '../../domain/omr-layout';
import { questionKey, type Template } from '../../domain/template';

// Reads a page of a sheet examflow did not print, through its template's layout: the page is
// registered onto the layout's frame, every bubble's darkness is measured through that
// registration (as on examflow's own sheets, against the paper's local brightness), the page's
// and each field's thresholds decide the marks, and each question's fields are joined into its
// answer ("q5_1" + "q5_2" → "16"). Boxes are cut out straight for OCR.

export type LayoutTemplate = Template & { layout: Layout };

const INNER = 0.7; // share of the bubble sampled: clear of its printed outline
const GRID = 7;
const LOW_CONFIDENCE = 0.65;

/** Mean darkness over the bubble's inner ellipse. */
function bubbleDarkness(img: PageImage, h: Homography, b: LayoutBubble): number {
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < GRID; i++) {
    const fy = (2 * i) / (GRID - 1) - 1;
    for (let j = 0; j < GRID; j++) {
      const fx = (2 * j) / (GRID - 1) - 1;
      if (fx * fx + fy * fy > 1.0001) continue;
      const p = project(h, cx + (fx * INNER * b.width) / 2, cy + (fy * INNER * b.height) / 2);
      sum += darknessAt(img, p.x, p.y);
      n++;
    }
  }
  return sum / n;
}

interface FieldValue {
  value: string;
  reading: FieldReading;
  marks: number;
}

/** Every bubble field's value: the values of its marked bubbles, joined ("" when blank). */
function readFields(img: PageImage, h: Homography, layout: Layout): Map<string, FieldValue> {
  const fields = layoutFields(layout);
  const raw = fields.flatMap((f) => f.bubbles.map((b) => bubbleDarkness(img, h, b)));
  // bubbles of one value and size print the same letter: they share an empty look
  const flat = againstEmptyLook(
    raw,
    fields.flatMap((f) => f.bubbles.map((b) => `${b.value}@${b.width}x${b.height}`)),
  );
  let at = 0;
  const darkness = fields.map((f) => flat.slice(at, (at += f.bubbles.length)));
  const page = pageThreshold(flat);
  const out = new Map<string, FieldValue>();
  fields.forEach((f, i) => {
    const reading = readField(darkness[i]!, page);
    const marked = f.bubbles.filter((_, k) => reading.marked[k]);
    out.set(f.label, { value: marked.map((b) => b.value).join('') || f.emptyValue, reading, marks: marked.length });
  });
  return out;
}

function joined(
  labels: string[],
  values: Map<string, FieldValue>,
  multi: boolean,
): { answer: string | null; confidence: number; flags: MarkFlag[] } {
  const own = labels.map((l) => values.get(l)).filter((v): v is FieldValue => v !== undefined);
  const answer = own.map((v) => v.value).join('');
  const confidence = Math.min(1, ...own.map((v) => v.reading.confidence));
  const flags = new Set<MarkFlag>();
  if (!multi && own.some((v) => v.marks > 1)) flags.add('double');
  if (own.some((v) => v.reading.faint)) flags.add('faint');
  if (confidence < LOW_CONFIDENCE && !flags.has('faint')) flags.add('low_confidence');
  return { answer: answer || null, confidence, flags: [...flags] };
}

/** Reads one page of a third-party sheet with its template's layout. */
export async function readLayoutSheet(image: Buffer, template: LayoutTemplate): Promise<SheetReading> {
  const layout = template.layout;
  const img = await applyFilters(await decodePage(image), layout.filters);
  const reg = await registerLayout(img, layout);
  const values = readFields(img, reg.h, layout);
  const labels = questionLabels(layout, template.questions.map(questionKey));
  const boxes = new Map(layout.fields.flatMap((f) => (f.kind === 'box' ? [[f.label, f] as const] : [])));

  const answers: SheetAnswer[] = [];
  const cut: SheetBox[] = [];
  for (const q of template.questions) {
    const own = labels.get(questionKey(q)) ?? [];
    const box = own.map((l) => boxes.get(l)).find((b) => b !== undefined);
    if (box && (q.type === 'fill' || q.type === 'open')) {
      cut.push({
        number: q.number,
        section: q.section ?? null,
        type: q.type,
        png: await cutBox(img, reg.h, { x: box.x, y: box.y, w: box.width, h: box.height }, 1),
      });
      continue;
    }
    const read = joined(own, values, q.type === 'multi');
    answers.push({
      number: q.number,
      section: q.section ?? null,
      type: q.type,
      answer: read.answer,
      confidence: read.confidence,
      flags: read.flags,
    });
  }
  const student = layout.studentId ? joined(layout.studentId, values, false) : null;
  const studentOk = student && student.answer && !student.flags.includes('double');
  return {
    templateId: template.id,
    pageIndex: 0,
    studentNumber: studentOk ? student.answer : null,
    studentNumberConfidence: studentOk ? student.confidence : 0,
    answers,
    boxes: cut,
    registration: { method: reg.method, rotation: 0 },
  };
}
