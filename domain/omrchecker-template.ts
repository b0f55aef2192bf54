import { z } from '../lib/zod';
import type { BubbleGrid, Layout, LayoutFilter, RegistrationStep } from './omr-layout';

// OMRChecker's template.json (github.com/Udayraj123/OMRChecker, MIT), read into an examflow
// layout: field blocks become bubble grids, custom labels say which fields join into one
// answer, pre-processors become registration steps and filters. Written from its documented
// format; nothing of its code is used.

export class OmrCheckerImportError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const pair = z.tuple([z.number(), z.number()]);
const fieldBlockSchema = z
  .object({
    fieldType: z.string().optional(),
    bubbleValues: z.array(z.string()).optional(),
    direction: z.enum(['horizontal', 'vertical']).optional(),
    fieldLabels: z.array(z.string()).min(1),
    origin: pair,
    bubblesGap: z.number(),
    labelsGap: z.number(),
    bubbleDimensions: pair.optional(),
    emptyValue: z.string().optional(),
  })
  .passthrough();
const preProcessorSchema = z.object({ name: z.string(), options: z.record(z.string(), z.unknown()).optional() }).passthrough();

const omrCheckerTemplateSchema = z
  .object({
    pageDimensions: pair,
    bubbleDimensions: pair,
    fieldBlocks: z.record(z.string(), fieldBlockSchema),
    customLabels: z.record(z.string(), z.array(z.string())).optional(),
    preProcessors: z.array(preProcessorSchema).optional(),
    emptyValue: z.string().optional(),
  })
  .passthrough();
type OmrCheckerTemplate = z.infer<typeof omrCheckerTemplateSchema>;

const FIELD_TYPES: Record<string, { values: string[]; direction: 'horizontal' | 'vertical' }> = {
  QTYPE_INT: { values: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], direction: 'vertical' },
  QTYPE_INT_FROM_1: { values: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'], direction: 'vertical' },
  QTYPE_MCQ4: { values: ['A', 'B', 'C', 'D'], direction: 'horizontal' },
  QTYPE_MCQ5: { values: ['A', 'B', 'C', 'D', 'E'], direction: 'horizontal' },
  QTYPE_MCQ4_RTL: { values: ['D', 'C', 'B', 'A'], direction: 'horizontal' },
  QTYPE_MCQ5_RTL: { values: ['E', 'D', 'C', 'B', 'A'], direction: 'horizontal' },
};

/** "q1..4" → q1 q2 q3 q4; any other label stands for itself. */
export function expandLabels(labels: string[]): string[] {
  return labels.flatMap((label) => {
    const m = /^(.*?)(\d+)\.\.(\d+)$/.exec(label.trim());
    if (!m) return [label.trim()];
    const [from, to] = [Number(m[2]), Number(m[3])];
    if (to < from || to - from > 500) throw new OmrCheckerImportError(`field label range "${label}" must count up, by at most 500`);
    return Array.from({ length: to - from + 1 }, (_, i) => `${m[1]}${from + i}`);
  });
}

function gridOf(
  name: string,
  block: z.infer<typeof fieldBlockSchema>,
  bubble: [number, number],
  emptyValue: string | undefined,
): BubbleGrid {
  const type = block.fieldType ? FIELD_TYPES[block.fieldType] : undefined;
  if (block.fieldType && !type)
    throw new OmrCheckerImportError(
      `field block "${name}": unknown fieldType "${block.fieldType}" (known: ${Object.keys(FIELD_TYPES).join(', ')}); give bubbleValues and direction instead`,
    );
  const values = block.bubbleValues ?? type?.values;
  const direction = block.direction ?? type?.direction;
  if (!values || !direction) throw new OmrCheckerImportError(`field block "${name}" needs a fieldType, or bubbleValues and direction`);
  const [w, h] = block.bubbleDimensions ?? bubble;
  const empty = block.emptyValue ?? emptyValue;
  return {
    kind: 'bubbles',
    name,
    origin: block.origin,
    bubble: { width: w, height: h },
    bubblesGap: block.bubblesGap,
    labelsGap: block.labelsGap,
    values,
    direction,
    labels: expandLabels(block.fieldLabels),
    ...(empty ? { emptyValue: empty } : {}),
  };
}

const kernelOf = (v: unknown, fallback: number) => {
  const k = Array.isArray(v) ? Number(v[0]) : typeof v === 'number' ? v : fallback;
  return Number.isInteger(k) && k % 2 === 1 ? k : fallback;
};

function stepsOf(
  pre: OmrCheckerTemplate['preProcessors'],
  has: { marker: boolean; reference: boolean },
): { registration: RegistrationStep[]; filters: LayoutFilter[] } {
  const registration: RegistrationStep[] = [];
  const filters: LayoutFilter[] = [];
  for (const p of pre ?? []) {
    const o = p.options ?? {};
    if (p.name === 'CropPage') registration.push({ method: 'outline' });
    else if (p.name === 'CropOnMarkers') {
      if (!has.marker)
        throw new OmrCheckerImportError(
          `the CropOnMarkers pre-processor needs its marker image (${typeof o.relativePath === 'string' ? o.relativePath : 'omr_marker.jpg'}): send it as the "marker" file`,
        );
      const ratio = Number(o.sheetToMarkerWidthRatio);
      registration.push({ method: 'markers', marker: 'marker', ...(ratio >= 2 && ratio <= 200 ? { widthRatio: ratio } : {}) });
    } else if (p.name === 'FeatureBasedAlignment') {
      if (!has.reference)
        throw new OmrCheckerImportError(
          `the FeatureBasedAlignment pre-processor needs its reference scan (${typeof o.reference === 'string' ? o.reference : 'reference image'}): send it as the "reference" file`,
        );
      registration.push({ method: 'features', reference: 'reference' });
    } else if (p.name === 'GaussianBlur')
      filters.push({ op: 'gaussianBlur', kernel: kernelOf(o.kSize, 3), sigma: Number(o.sigmaX ?? 0) || 0 });
    else if (p.name === 'MedianBlur') filters.push({ op: 'medianBlur', kernel: kernelOf(o.kSize, 5) });
    else if (p.name === 'Levels') {
      const low = Number(o.low ?? 0);
      const high = Number(o.high ?? 1);
      filters.push({ op: 'levels', low, high, ...(o.gamma !== undefined ? { gamma: Number(o.gamma) } : {}) });
    } else
      throw new OmrCheckerImportError(
        `the pre-processor "${p.name}" is not supported: examflow imports CropPage, CropOnMarkers, FeatureBasedAlignment, GaussianBlur, MedianBlur and Levels`,
      );
  }
  if (registration.length > 2 || (registration.length === 2 && registration[0]!.method !== 'outline')) {
    throw new OmrCheckerImportError('at most two steps register a page: CropPage, then CropOnMarkers or FeatureBasedAlignment');
  }
  return { registration, filters };
}

/** The layout of an OMRChecker template, and its output columns: custom labels and the remaining single fields. */
export function layoutFromOmrChecker(
  raw: unknown,
  assets: { marker?: string; reference?: string } = {},
): { layout: Omit<Layout, 'questions' | 'studentId'>; columns: Map<string, string[]> } {
  const parsed = omrCheckerTemplateSchema.safeParse(raw);
  if (!parsed.success) throw new OmrCheckerImportError('template is not an OMRChecker template.json', parsed.error.issues);
  const t = parsed.data;
  const fields = Object.entries(t.fieldBlocks).map(([name, block]) => gridOf(name, block, t.bubbleDimensions, t.emptyValue));
  const { registration, filters } = stepsOf(t.preProcessors, {
    marker: assets.marker !== undefined,
    reference: assets.reference !== undefined,
  });
  const used = {
    ...(assets.marker && registration.some((r) => r.method === 'markers') ? { marker: assets.marker } : {}),
    ...(assets.reference && registration.some((r) => r.method === 'features') ? { reference: assets.reference } : {}),
  };
  const columns = new Map<string, string[]>();
  const grouped = new Set<string>();
  for (const [name, labels] of Object.entries(t.customLabels ?? {})) {
    const own = expandLabels(labels);
    columns.set(name, own);
    own.forEach((l) => grouped.add(l));
  }
  for (const label of fields.flatMap((f) => f.labels)) if (!grouped.has(label) && !columns.has(label)) columns.set(label, [label]);
  const layout = {
    frame: { width: Math.round(t.pageDimensions[0]), height: Math.round(t.pageDimensions[1]) },
    ...(registration.length ? { registration } : {}),
    ...(filters.length ? { filters } : {}),
    fields,
    ...(Object.keys(used).length ? { assets: used } : {}),
  };
  return { layout, columns };
}
