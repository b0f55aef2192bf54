import { execFileSync } from 'node:child_process';
import { FontSubsetter } from './harfbuzz-subset';

// Chromium's PDF backend spends about half a second per CJK face and document on a whole
// Noto CJK face (65 535 glyphs), whatever few characters the page uses: measured, four
// fifths of a Chinese report's render. So each render gets the report's characters cut out of
// those same faces, the very files fontconfig hands Chromium (same outlines and metrics), as
// @font-face rules of the same family names, which take precedence over the system fonts.
// Measured on one zh report: 1.7 s → 0.33 s a render (subsetting ~50 ms of it), screenshots
// identical pixel for pixel (test/report.test.ts).

/** The faces the report stylesheets name (domain/report-html.ts, class-report-html.ts), at the weights they use. */
const REPORT_FACES = [
  { family: 'Noto Sans CJK SC', weight: 400 },
  { family: 'Noto Sans CJK SC', weight: 700 },
  { family: 'Noto Serif CJK SC', weight: 400 },
  { family: 'Noto Serif CJK SC', weight: 700 },
] as const;

/** fontconfig's weights for CSS 400 and 700 */
const FONTCONFIG_WEIGHT = { 400: 80, 700: 200 } as const;

/** Characters Chromium may draw that are not in the HTML's text: list markers, ellipsis, ASCII. */
const ALWAYS = ' •◦▪–—…' + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

interface LoadedFace {
  family: string;
  weight: number;
  subsetter: FontSubsetter;
}

export class ReportFonts {
  /** undefined until first use; null when a face is not installed (then the system fonts are used as before) */
  private faces: LoadedFace[] | null | undefined;

  /** `html` with the report faces cut down to its characters and embedded; `html` itself if that is not possible. */
  embedSubsets(html: string): string {
    try {
      const head = html.indexOf('</head>');
      // once: `??=` would probe fontconfig again at every render where the faces are missing (null)
      if (this.faces === undefined) this.faces = loadReportFaces();
      if (!this.faces || head < 0) return html;
      const codePoints = new Set<number>();
      for (const ch of html + ALWAYS) codePoints.add(ch.codePointAt(0)!);
      const rules = this.faces.map(
        (f) =>
          `@font-face{font-family:"${f.family}";font-weight:${f.weight};` +
          `src:url(data:font/otf;base64,${f.subsetter.subset(codePoints).toString('base64')})}`,
      );
      return `${html.slice(0, head)}<style>${rules.join('\n')}</style>${html.slice(head)}`;
    } catch {
      // HarfBuzz ran out of its memory (a huge document) or trapped: this render uses the system
      // fonts, slower but the same, and the next loads the faces afresh.
      this.faces = undefined;
      return html;
    }
  }
}

function loadReportFaces(): LoadedFace[] | null {
  const faces: LoadedFace[] = [];
  for (const { family, weight } of REPORT_FACES) {
    const match = fontconfigMatch(`${family}:weight=${FONTCONFIG_WEIGHT[weight]}`);
    // Only the exact face: a substitute would change how the report looks.
    if (!match || match.family !== family || match.weight !== FONTCONFIG_WEIGHT[weight]) return null;
    faces.push({ family, weight, subsetter: new FontSubsetter(match.file, match.index) });
  }
  return faces;
}

function fontconfigMatch(pattern: string): { file: string; index: number; family: string; weight: number } | undefined {
  try {
    const out = execFileSync('fc-match', ['--format=%{file}|%{index}|%{family[0]}|%{weight}', pattern], { encoding: 'utf8' });
    const [file, index, family, weight] = out.split('|');
    return { file: file!, index: Number(index), family: family!, weight: Number(weight) };
  } catch {
    return undefined; // no fontconfig
  }
}
