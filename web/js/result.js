import { getJson, request } from './api.js';
import { $, h } from './dom.js';

// The graded result as a readable table, and the PDF report opened as a blob URL (the
// report needs the bearer token, so a plain link cannot fetch it).

let currentExam = null;
let pdfUrl = null;

// What the reader noticed on an answer sheet, for the badge's tooltip.
const flagTitles = {
  double: '两个选项都涂了 · two bubbles filled on a one-answer question (scored as wrong)',
  erased: '有擦除痕迹 · an erased mark (not counted)',
  stray: '有杂痕 · a stray stroke near the bubbles',
  faint: '填涂过浅 · a light mark',
  low_confidence: '识别存疑 · the box was read with doubt',
};

export function initResult({ error }) {
  $('#result-close').addEventListener('click', () => {
    $('#result-panel').hidden = true;
    currentExam = null;
  });
  $('#result-pdf').addEventListener('click', () => currentExam && openPdf(currentExam).catch((err) => error(err.message)));
}

export async function showResult(examId) {
  const r = await getJson(`/v1/exams/${examId}/result`);
  currentExam = examId;
  $('#pdf-link').hidden = true;
  const student = [r.student.name, r.student.class, r.student.id].filter(Boolean).join(' · ') || 'unnamed student';
  $('#result-title').textContent = `${r.title} — ${student}`;
  $('#result-body').replaceChildren(
    resultHead(r),
    h('div', { class: 'result-grid' }, h('div', { class: 'table-wrap' }, questionTable(r.questions)), masteryBars(r.knowledgePoints)),
  );
  $('#result-panel').hidden = false;
  $('#result-panel').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/** The score and the diagnosis: summary, weak points, recommendations. */
function resultHead(r) {
  const ratio = r.fullScore ? r.score / r.fullScore : 0;
  const { diagnosis } = r;
  return h(
    'div',
    { class: 'result-head' },
    h(
      'div',
      { class: `score-big ${ratio >= 0.85 ? 'good' : ratio >= 0.6 ? 'ok' : 'low'}`, id: 'result-score' },
      `${r.score}`,
      h('small', {}, ` / ${r.fullScore}`),
    ),
    h(
      'div',
      {},
      h('p', { class: 'summary' }, diagnosis.summary),
      diagnosis.weakPoints.length ? h('p', {}, h('strong', {}, '薄弱 Weak points: '), diagnosis.weakPoints.join('、')) : null,
      diagnosis.recommendations.length
        ? h(
            'ul',
            { class: 'recs' },
            diagnosis.recommendations.map((x) => h('li', {}, x)),
          )
        : null,
      h(
        'p',
        { class: 'muted tiny' },
        `${r.templateId} · ${r.subject} · graded ${new Date(r.gradedAt).toLocaleString()} · diagnosis: ${diagnosis.source}${diagnosis.degraded ? ' (degraded)' : ''}`,
      ),
    ),
  );
}

/** One row per question: what was read, the key, the points and how sure the reading was. */
function questionTable(questions) {
  const head = ['#', 'type', 'answer · 作答', 'key · 答案', '', 'points', 'confidence'].map((t) => h('th', {}, t));
  const row = (q) =>
    h(
      'tr',
      { class: q.correct ? 'right' : 'wrong' },
      h('td', {}, q.section ? `${q.section}·${q.number}` : q.number),
      h('td', { class: 'muted' }, q.type),
      h(
        'td',
        {},
        q.missing ? h('em', { class: 'muted' }, 'not found') : (q.studentAnswer ?? h('em', { class: 'muted' }, 'blank')),
        (q.flags ?? []).map((f) => h('span', { class: 'badge flag', title: flagTitles[f] ?? f }, f.replace('_', ' '))),
      ),
      h('td', {}, q.correctAnswer),
      h('td', { class: 'mark' }, q.correct ? '✓' : '✗'),
      h('td', {}, `${q.awarded} / ${q.points}`),
      h('td', { class: q.confidence < 0.6 ? 'low-conf' : 'muted' }, `${Math.round(q.confidence * 100)}%`),
    );
  return h(
    'table',
    { class: 'compact questions', id: 'result-table' },
    h('thead', {}, h('tr', {}, head)),
    h('tbody', {}, questions.map(row)),
  );
}

/** A bar per knowledge point, coloured by mastery. */
function masteryBars(knowledgePoints) {
  return h(
    'div',
    { class: 'mastery' },
    h('h3', {}, '知识点 · Knowledge points'),
    knowledgePoints.map((k) => {
      const fill = h('span', { class: 'fill' });
      fill.style.width = `${Math.round(k.mastery * 100)}%`;
      return h(
        'div',
        { class: 'kp' },
        h('div', { class: 'kp-name' }, h('span', {}, k.name), h('span', { class: 'muted' }, `${k.awarded}/${k.points}`)),
        h('span', { class: `bar ${k.mastery >= 0.8 ? 'completed' : k.mastery >= 0.5 ? 'processing' : 'failed'}` }, fill),
      );
    }),
  );
}

export async function openPdf(examId) {
  const res = await request(`/v1/exams/${examId}/report.pdf`, { accept: 'application/pdf' });
  const blob = await res.blob();
  if (pdfUrl) URL.revokeObjectURL(pdfUrl);
  pdfUrl = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
  const link = $('#pdf-link');
  link.href = pdfUrl;
  link.dataset.examId = examId;
  link.hidden = false;
  // A popup blocker may refuse once the click is long past: the link stays as the way in.
  window.open(pdfUrl, '_blank', 'noopener');
}
