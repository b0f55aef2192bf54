import { decide, MARK_CLASSES, type MarkClass, type MarkKind } from '../../domain/marks';

export { decide };
import { GLYPH_SIZE, readCellInk, type GreyImage } from './mark-crop';
import { loadMarkNetworks, markProbabilities, readCalibration, type MarkNetwork } from './mark-model';

// classifyMark(crop) → { label, confidence }: what is handwritten in one answer cell or box,
// read by the classifier `npm run train:marks` trains (models/marks). The crop is grey, paper
// light; printed rules cut off at its edges are ignored. `kind` narrows the answer to what the
// question allows (letters for choice, √/×/T/F/对/错 for true/false, digits for a number).

export type { MarkDecision as MarkReading } from '../../domain/marks';
import type { MarkDecision as MarkReading } from '../../domain/marks';

export interface CellReading {
  /** what is written: one class for a letter or tick, several for AC or 12; [] when empty */
  labels: MarkClass[];
  /** the least confident of the glyphs read */
  confidence: number;
  ink: number;
}

let loading: Promise<{ model: MarkNetwork; temperature: number }> | undefined;
function network(): Promise<{ model: MarkNetwork; temperature: number }> {
  loading ??= loadMarkNetworks()
    .then((model) => ({ model, temperature: readCalibration().temperature }))
    .catch((err: unknown) => {
      loading = undefined;
      throw new Error(
        `the handwriting classifier could not be loaded from models/marks (run npm run train:marks): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    });
  return loading;
}

/** Class probabilities of 28×28 glyphs (mark-crop.ts), one row per glyph. */
export async function predictGlyphs(glyphs: Float32Array[]): Promise<Float32Array[]> {
  if (glyphs.length === 0) return [];
  const { model, temperature } = await network();
  const input = new Float32Array(glyphs.length * GLYPH_SIZE * GLYPH_SIZE);
  glyphs.forEach((g, i) => input.set(g, i * GLYPH_SIZE * GLYPH_SIZE));
  const out = markProbabilities(model, input, glyphs.length, temperature);
  const flat = (await out.data()) as Float32Array;
  out.dispose();
  return glyphs.map((_, i) => flat.subarray(i * MARK_CLASSES.length, (i + 1) * MARK_CLASSES.length));
}

/** One glyph: the whole mark in the crop. */
export async function classifyMark(crop: GreyImage, kind: MarkKind = 'any'): Promise<MarkReading> {
  const ink = readCellInk(crop);
  if (!ink.whole) return { label: null, confidence: 1 };
  const [probs] = await predictGlyphs([ink.whole]);
  return decide(probs!, kind);
}

/** Several glyphs side by side (multi-select letters, a short number), left to right. */
export async function classifyCell(crop: GreyImage, kind: MarkKind, several: boolean): Promise<CellReading> {
  const ink = readCellInk(crop);
  if (!ink.whole) return { labels: [], confidence: 1, ink: ink.ink };
  const glyphs = several ? ink.parts : [ink.whole];
  const readings = (await predictGlyphs(glyphs)).map((p) => decide(p, kind));
  const labels = readings.flatMap((r) => (r.label ? [r.label] : []));
  const confidence = readings.reduce((m, r) => Math.min(m, r.confidence), 1);
  return { labels, confidence, ink: ink.ink };
}
