import { z } from '../lib/zod';

// The layout of an answer sheet examflow did not print (docs/third-party-layouts.md): fields in
// the pixel frame of a reference scan (origin top-left, y down), how a page is brought onto that
// frame, and which filters run first. Bubble grids follow OMRChecker's field blocks (origin of
// the first bubble's top-left corner, bubble size, gaps, values, direction), so its templates
// import one to one; boxes are cut out for OCR like the boxes of examflow's own sheets.

const coord = z.number().min(0).max(20_000);
const size = z.number().positive().max(2_000);
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const printableText = /^[^\u0000-\u001f\u007f]+$/;
const fieldLabelSchema = z.string().trim().min(1).max(200).regex(printableText, 'a field label is printable text');
const assetNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'an asset name is [a-z][a-z0-9-]{0,31}');

/** At most 256 KB of image per asset (a marker is a few KB). */
export const MAX_ASSET_BYTES = 256 * 1024;
const dataUrlSchema = z
  .string()
  .max(Math.ceil((MAX_ASSET_BYTES * 4) / 3) + 40, 'an asset image is at most 256 KB')
  .regex(/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+=*$/, 'an asset is a data URL: data:image/png|jpeg|webp;base64,…');

const bubbleGridSchema = z
  .object({
    kind: z.literal('bubbles'),
    name: z.string().trim().min(1).max(60).optional(),
    /** top-left corner of the first bubble */
    origin: z.tuple([coord, coord]),
    bubble: z.object({ width: size, height: size }).strict(),
    /** distance between neighbouring bubbles of one field (their top-left corners) */
    bubblesGap: z.number().min(0).max(2_000),
    /** distance between neighbouring fields of the grid */
    labelsGap: z.number().min(0).max(2_000),
    /** what each bubble of a field means, in order: "A"…"D", "0"…"9", "yes"/"no" */
    values: z.array(z.string().trim().min(1).max(20)).min(1).max(40),
    /** horizontal: a field's bubbles run left to right, fields top to bottom; vertical: the other way */
    direction: z.enum(['horizontal', 'vertical']),
    /** one label per field, in order */
    labels: z.array(fieldLabelSchema).min(1).max(300),
    /** a field's value when none of its bubbles is marked (default: blank) */
    emptyValue: z.string().trim().max(20).optional(),
  })
  .strict();

const boxFieldSchema = z
  .object({ kind: z.literal('box'), label: fieldLabelSchema, x: coord, y: coord, width: size, height: size })
  .strict();

const registrationStepSchema = z.discriminatedUnion('method', [
  /** the page's outline (paper against a darker background, or a printed frame): its corners become the frame's */
  z.object({ method: z.literal('outline') }).strict(),
  /** four copies of a marker image, one near each corner: their centres become the frame's corners */
  z
    .object({
      method: z.literal('markers'),
      marker: assetNameSchema,
      /** page width ÷ marker width, a hint for the search (OMRChecker's sheetToMarkerWidthRatio) */
      widthRatio: z.number().min(2).max(200).optional(),
    })
    .strict(),
  /** features of the reference scan (an asset, any size: it is scaled to the frame) matched on the page */
  z.object({ method: z.literal('features'), reference: assetNameSchema }).strict(),
]);

/** a blur's kernel size in pixels: OpenCV's blurs take odd sizes only */
const oddKernel = z
  .number()
  .int()
  .min(1)
  .max(31)
  .refine((k) => k % 2 === 1, 'the kernel is odd');

const filterSchema = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('gaussianBlur'),
      kernel: oddKernel,
      sigma: z.number().min(0).max(50).optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('medianBlur'),
      kernel: oddKernel,
    })
    .strict(),
  /** grey levels: `low` becomes black, `high` white (0–1), with `gamma` between */
  z
    .object({
      op: z.literal('levels'),
      low: z.number().min(0).max(1),
      high: z.number().min(0).max(1),
      gamma: z.number().min(0.1).max(10).optional(),
    })
    .strict()
    .refine((l) => l.low < l.high, 'levels: low must be below high'),
]);

export const layoutSchema = z
  .object({
    /** the reference scan's size in pixels: the frame every position is given in */
    frame: z.object({ width: z.number().int().min(50).max(20_000), height: z.number().int().min(50).max(20_000) }).strict(),
    /** steps that bring a page onto the frame, in order; none: the whole picture is the frame */
    registration: z.array(registrationStepSchema).max(2).optional(),
    filters: z.array(filterSchema).max(6).optional(),
    fields: z
      .array(z.discriminatedUnion('kind', [bubbleGridSchema, boxFieldSchema]))
      .min(1)
      .max(500),
    /** question key ("12", or "二/3" with sections) → the field labels whose values are joined into its answer; without an entry, label "q12" or "12" answers question 12 */
    questions: z.record(z.string().min(1).max(30), z.array(fieldLabelSchema).min(1).max(40)).optional(),
    /** field labels whose values, joined, are the student's id (a roll number) */
    studentId: z.array(fieldLabelSchema).min(1).max(40).optional(),
    /** images the registration uses, by name (the marker) */
    assets: z.record(assetNameSchema, dataUrlSchema).optional(),
  })
  .strict()
  .superRefine((l, ctx) => checkLayout(l, ctx));

export type Layout = z.infer<typeof layoutSchema>;
export type BubbleGrid = z.infer<typeof bubbleGridSchema>;
export type RegistrationStep = z.infer<typeof registrationStepSchema>;
export type LayoutFilter = z.infer<typeof filterSchema>;

export interface LayoutBubble {
  x: number;
  y: number;
  width: number;
  height: number;
  value: string;
}
/** One field: a row (or column) of bubbles read as one value. */
export interface LayoutField {
  label: string;
  bubbles: LayoutBubble[];
  emptyValue: string;
}

/** Every field of a bubble grid with its bubbles' rectangles in the frame. */
export function gridFields(grid: BubbleGrid): LayoutField[] {
  const horizontal = grid.direction === 'horizontal';
  return grid.labels.map((label, f) => ({
    label,
    emptyValue: grid.emptyValue ?? '',
    bubbles: grid.values.map((value, b) => {
      const along = b * grid.bubblesGap;
      const across = f * grid.labelsGap;
      return {
        x: grid.origin[0] + (horizontal ? along : across),
        y: grid.origin[1] + (horizontal ? across : along),
        width: grid.bubble.width,
        height: grid.bubble.height,
        value,
      };
    }),
  }));
}

export function layoutFields(layout: Pick<Layout, 'fields'>): LayoutField[] {
  return layout.fields.flatMap((f) => (f.kind === 'bubbles' ? gridFields(f) : []));
}

/** The question a label answers without an explicit mapping: "q12" and "12" answer question 12. */
export function defaultQuestionNumber(label: string): string | null {
  const m = /^q?([1-9][0-9]{0,2})$/i.exec(label);
  return m ? m[1]! : null;
}

function checkLayout(l: Omit<Layout, never>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const labels = new Map<string, string>();
  l.fields.forEach((f, i) => {
    const own = f.kind === 'bubbles' ? f.labels : [f.label];
    for (const label of own) {
      if (labels.has(label)) issue(['fields', i], `field label "${label}" appears twice`);
      labels.set(label, f.kind);
    }
    const rects = f.kind === 'bubbles' ? gridFields(f).flatMap((g) => g.bubbles) : [{ x: f.x, y: f.y, width: f.width, height: f.height }];
    const outside = rects.find((r) => r.x + r.width > l.frame.width + 1 || r.y + r.height > l.frame.height + 1);
    if (outside)
      issue(
        ['fields', i],
        `this field reaches (${Math.round(outside.x + outside.width)}, ${Math.round(outside.y + outside.height)}), outside the ${l.frame.width}×${l.frame.height} frame`,
      );
  });
  const known = (path: (string | number)[], label: string) => {
    if (!labels.has(label)) issue(path, `no field is labelled "${label}"`);
  };
  for (const [key, list] of Object.entries(l.questions ?? {})) list.forEach((label, i) => known(['questions', key, i], label));
  l.studentId?.forEach((label, i) => known(['studentId', i], label));
  l.registration?.forEach((step, i) => {
    if (step.method === 'markers' && !l.assets?.[step.marker])
      issue(['registration', i, 'marker'], `no asset named "${step.marker}": add the marker image under assets`);
    if (step.method === 'features' && !l.assets?.[step.reference])
      issue(['registration', i, 'reference'], `no asset named "${step.reference}": add the reference scan under assets`);
  });
}

/**
 * The field labels that answer each question key: the explicit mapping, else labels named
 * after the question ("q12"). Labels used for the student id answer nothing.
 */
export function questionLabels(layout: Layout, questionKeys: string[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  const explicit = layout.questions ?? {};
  const taken = new Set([...Object.values(explicit).flat(), ...(layout.studentId ?? [])]);
  const allLabels = layout.fields.flatMap((f) => (f.kind === 'bubbles' ? f.labels : [f.label]));
  for (const key of questionKeys) {
    if (explicit[key]) {
      byKey.set(key, explicit[key]);
      continue;
    }
    const own = allLabels.filter((label) => !taken.has(label) && defaultQuestionNumber(label) === key);
    if (own.length) byKey.set(key, own);
  }
  return byKey;
}
