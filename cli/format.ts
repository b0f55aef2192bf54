import type { ResultDocument, StatusDocument } from '../client/examflow-client';

// Human-readable output: aligned tables and short durations.

export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i] ?? ''))));
  return cells
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i]! - displayWidth(c)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** CJK characters take two columns in a terminal. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text)
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function statusLines(doc: StatusDocument): string {
  return [
    `exam      ${doc.examId}`,
    `status    ${doc.status}${doc.error ? ` — ${doc.error}` : ''}`,
    `step      ${doc.step}  (${doc.progress.toFixed(0)}%)`,
    `pages     ${doc.pages.processed}/${doc.pages.total}`,
    `created   ${doc.createdAt}`,
    `started   ${doc.startedAt ?? '—'}`,
    `finished  ${doc.finishedAt ?? '—'}`,
    `elapsed   ${duration(doc.elapsedMs)}`,
    `eta       ${duration(doc.etaMs)}`,
  ].join('\n');
}

export function resultText(r: ResultDocument): string {
  const student = [r.student.name, r.student.class, r.student.id].filter(Boolean).join(' · ') || '—';
  const questions = table(
    ['#', 'type', 'answer', 'key', 'points', 'conf'],
    r.questions.map((q) => [
      q.number,
      q.type,
      q.missing ? '(missing)' : (q.studentAnswer ?? '(blank)'),
      q.correctAnswer,
      `${q.awarded}/${q.points}${q.correct ? ' ✓' : ' ✗'}`,
      q.confidence.toFixed(2),
    ]),
  );
  const points = table(
    ['knowledge point', 'mastery', 'points'],
    r.knowledgePoints.map((k) => [k.name, `${Math.round(k.mastery * 100)}%`, `${k.awarded}/${k.points}`]),
  );
  return [
    `${r.title} (${r.templateId})`,
    `student   ${student}`,
    `score     ${r.score}/${r.fullScore}`,
    '',
    questions,
    '',
    points,
    '',
    `diagnosis ${r.diagnosis.summary}`,
    ...r.diagnosis.recommendations.map((x) => `  • ${x}`),
  ].join('\n');
}
