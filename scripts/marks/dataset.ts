import { MARK_CLASSES, type MarkClass } from '../../domain/marks';
import { GLYPH_SIZE, readCellInk, type GreyImage } from '../../reading/handwriting/mark-crop';
import { writeCell, type HandStyle } from './augment';
import { fontGlyphs, mnistDigit, STROKE_CLASSES, strokeGlyph, type Ink, type Split } from './glyph-sources';
import { seeded, type Rng } from './strokes';

// A labelled set of cells, each already reduced by reading/handwriting/mark-crop.ts to the 28×28 glyph
// the classifier sees at run time. Training and test sets differ in fonts, MNIST samples and
// seeds (glyph-sources.ts), so the test accuracy says how the classifier does on hands it never saw.

export interface MarkSet {
  x: Float32Array;
  y: Int32Array;
  count: number;
}

/** The seed of each split: far apart so their stroke and augmentation streams never meet. */
export const SPLIT_SEED: Record<Split, number> = { train: 1, test: 1_000_003 };

export interface GlyphBank {
  split: Split;
  fonts: Map<MarkClass, Ink[]>;
}

export async function glyphBank(split: Split): Promise<GlyphBank> {
  return { split, fonts: await fontGlyphs(split, MARK_CLASSES) };
}

/** One handwritten rendering of `cls` (null for a blank cell) from the split's sources. */
export function handwrite(bank: GlyphBank, cls: MarkClass, rng: Rng): Ink | null {
  if (cls === 'blank') return null;
  const fonts = bank.fonts.get(cls) ?? [];
  const digit = /^[0-9]$/.test(cls);
  const roll = rng();
  if (digit && (roll < 0.6 || fonts.length === 0)) return mnistDigit(Number(cls), bank.split, rng);
  if (STROKE_CLASSES.includes(cls) && (roll < (cls === '√' || cls === '×' ? 0.7 : 0.3) || fonts.length === 0)) return strokeGlyph(cls, rng);
  if (fonts.length === 0) throw new Error(`no ${bank.split} source draws ${cls}`);
  return fonts[Math.floor(rng() * fonts.length)]!;
}

/** A cell as the table reader cuts it out, with its class. */
export function sampleCell(bank: GlyphBank, cls: MarkClass, rng: Rng, style: HandStyle = {}): GreyImage {
  return writeCell(handwrite(bank, cls, rng), rng, style);
}

/** A training recipe's say in the set: the hand's style, and classes written `times` as often as the others. */
export interface SetRecipe {
  style?: HandStyle;
  times?: Partial<Record<MarkClass, number>>;
}

export async function buildSet(split: Split, perClass: number, seed = SPLIT_SEED[split], recipe: SetRecipe = {}): Promise<MarkSet> {
  const bank = await glyphBank(split);
  const rng = seeded(seed);
  const quota = MARK_CLASSES.map((c) => Math.round(perClass * (recipe.times?.[c] ?? 1)));
  const rounds = Math.max(...quota);
  const n = quota.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * GLYPH_SIZE * GLYPH_SIZE);
  const y = new Int32Array(n);
  let count = 0;
  // round k writes every class still short of its quota: the plain recipe's draws are unchanged
  for (let k = 0; k < rounds; k++)
    for (let c = 0; c < MARK_CLASSES.length; c++) {
      if (k >= quota[c]!) continue;
      const cls = MARK_CLASSES[c]!;
      // A blank cell that the clean-up empties needs no classifier; only the leftovers teach "blank".
      for (let attempt = 0; attempt < 20; attempt++) {
        const ink = readCellInk(sampleCell(bank, cls, rng, recipe.style));
        if (!ink.whole) continue;
        x.set(ink.whole, count * GLYPH_SIZE * GLYPH_SIZE);
        y[count++] = c;
        break;
      }
    }
  return { x: x.subarray(0, count * GLYPH_SIZE * GLYPH_SIZE), y: y.subarray(0, count), count };
}
