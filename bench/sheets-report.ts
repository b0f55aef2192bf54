import { pct } from './results';

// The answer-sheet benchmark's tally per style and its Markdown report (bench/SHEETS.md).

export interface StyleTally {
  style: 'clean' | 'scan' | 'photo';
  sheets: number;
  pages: number;
  marks: number;
  marksRight: number;
  answers: number;
  answersRight: number;
  exactSheets: number;
  numbers: number;
  numbersRight: number;
  codes: number;
  codesRight: number;
  notFound: number;
  cpuMs: number[];
  wallMs: number[];
  decodeCpuMs: number[];
  codeCpuMs: number[];
  megapixels: number[];
  errors: string[];
  erasures: number;
  flaggedErasures: number;
  strays: number;
  flaggedStray: number;
  doubles: number;
  doublesFlagged: number;
}

export const SHEET_TARGETS = { photoMarks: 99.9, scanMarks: 100, numbers: 100, codes: 100, cpuMs: 300 };

const share = (right: number, all: number) => (all ? `${((100 * right) / all).toFixed(all >= 1000 ? 2 : 1)}% (${right}/${all})` : '—');
const mean = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0);
const ms = (v: number) => `${Math.round(v)}`;

export function meetsTargets(t: StyleTally): boolean {
  const marks = t.marks ? (100 * t.marksRight) / t.marks : 0;
  const markTarget = t.style === 'photo' ? SHEET_TARGETS.photoMarks : SHEET_TARGETS.scanMarks;
  return (
    marks >= markTarget &&
    t.numbersRight === t.numbers &&
    t.codesRight === t.codes &&
    t.notFound === 0 &&
    mean(t.cpuMs) <= SHEET_TARGETS.cpuMs
  );
}

export function sheetsReport(tallies: StyleTally[], env: { cpus: number; node: string; seconds: number }): string {
  const rows = tallies.map(
    (t) =>
      `| ${t.style} | ${t.sheets} (${t.pages} pages, ${mean(t.megapixels).toFixed(1)} MP) | ${share(t.marksRight, t.marks)} | ${share(t.answersRight, t.answers)} | ${share(t.exactSheets, t.sheets)} | ${share(t.numbersRight, t.numbers)} | ${share(t.codesRight, t.codes)} | ${t.notFound} |`,
  );
  const cost = tallies.map(
    (t) =>
      `| ${t.style} | ${ms(mean(t.cpuMs))} | ${ms(pct(t.cpuMs, 0.5))} / ${ms(pct(t.cpuMs, 0.95))} / ${ms(Math.max(0, ...t.cpuMs))} | ${ms(mean(t.wallMs))} | ${ms(mean(t.decodeCpuMs))} | ${(mean(t.cpuMs) / Math.max(1, mean(t.decodeCpuMs))).toFixed(2)} | ${ms(mean(t.codeCpuMs))} |`,
  );
  const flags = tallies.map(
    (t) =>
      `| ${t.style} | ${share(t.doublesFlagged, t.doubles)} | ${share(t.flaggedErasures, t.erasures)} | ${share(t.flaggedStray, t.strays)} |`,
  );
  const errors = tallies.flatMap((t) => t.errors.map((e) => `- ${t.style}: ${e}`));
  return `# Answer-sheet reading benchmark

\`npm run bench:sheets\` — answer sheets printed by examflow (a 30-question quiz; every fourth sheet a 2-page sectioned exam of 76 questions), filled by a simulated pencil (darkness, size, offset and coverage vary; partial fills, light pencil, erasures, stray strokes, double marks, blanks), degraded as flatbed scans (≤ 2° rotation, 150–300 dpi, grey copies, level shifts, noise, JPEG 70–92) and as phone photos (8–12 MP, any turn incl. 90/180/270°, perspective up to ~15°, table background, shadow and uneven tinted light, blur, noise, JPEG 50–80), read without being told the page: the QR code decides. ${env.cpus} cores, Node ${env.node} · ${env.seconds} s.

| style | sheets | marks right | answers right | sheets read exactly | student numbers | codes read | sheet not found |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

CPU per page (process.cpuUsage over readAnswerSheet, all threads; ms):

| style | mean CPU | p50 / p95 / max CPU | mean wall | decode alone (CPU) | ratio to decode | findSheetCode (CPU) |
|---|---|---|---|---|---|---|
${cost.join('\n')}

Flags: double marks on single-choice questions flagged \`double\`; erasures left by the simulated student flagged \`erased\`; stray strokes flagged \`stray\` (or \`erased\`).

| style | doubles flagged | erasures flagged | stray strokes flagged |
|---|---|---|---|
${flags.join('\n')}

A mark is one bubble: right when read as filled exactly when the student filled it. An answer is right when its letters equal the truth (a blank read as blank). A sheet is read exactly when every answer and the student number are right, so its score is exact. "Decode alone" is sharp decoding the full image to raw pixels, the floor any reader pays.

Targets: marks ≥ ${SHEET_TARGETS.photoMarks}% on photos and ${SHEET_TARGETS.scanMarks}% on scans, student numbers and codes 100%, ≤ ${SHEET_TARGETS.cpuMs} ms CPU per sheet — ${
    tallies.every(meetsTargets)
      ? 'met'
      : `not met by ${tallies
          .filter((t) => !meetsTargets(t))
          .map((t) => t.style)
          .join(', ')}`
  }.
${errors.length ? `\nMisreads (first ones):\n\n${errors.join('\n')}\n` : ''}`;
}
