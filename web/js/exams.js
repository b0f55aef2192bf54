import { getJson, postJson, statusEvents } from './api.js';
import { $, duration, h, progressBar, when } from './dom.js';
import { closedExamStatuses } from './facts.js';
import { temporalWorkflowUrl } from './settings.js';

// The live list of recent exams: GET /v1/exams for the rows, one SSE stream per running
// exam (a few at a time: a browser opens only six connections per host) for progress.

const MAX_STREAMS = 3;
const isClosed = (status) => closedExamStatuses.includes(status);
// An exam waiting for a teacher may wait for days: the periodic refresh shows it, no stream is held open.
const isParked = (status) => status === 'needs_review';

let summaries = [];
/** exams submitted from this page that visibility does not list yet */
const local = new Map();
const live = new Map();
const streams = new Map();
const rows = new Map();
let handlers = { openResult: () => {}, openPdf: () => {}, openReview: () => {}, changed: () => {}, error: () => {} };

export function initExams(options) {
  handlers = { ...handlers, ...options };
  $('#exam-rows').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (button) act(button.dataset.action, button.closest('tr').dataset.examId, button);
  });
  $('#status-filter').addEventListener('change', () => refreshExams());
  $('#refresh-button').addEventListener('click', () => handlers.changed());
}

export async function refreshExams() {
  const status = $('#status-filter').value;
  const page = await getJson(`/v1/exams?limit=25${status ? `&status=${status}` : ''}`);
  // A retried exam is listed once per run, newest first: keep its newest.
  summaries = page.exams.filter((s, i) => page.exams.findIndex((x) => x.examId === s.examId) === i);
  for (const s of summaries) local.delete(s.examId);
  render();
  for (const s of [...local.values(), ...summaries]) if (!isClosed(s.status) && !isParked(s.status)) track(s.examId);
}

/** A just-submitted exam shows at once, before visibility lists it. */
export function addSubmitted({ examId, templateId, studentId, pages }) {
  local.set(examId, {
    examId,
    status: 'pending',
    step: 'ocr',
    templateId,
    studentId,
    score: null,
    pages,
    createdAt: new Date().toISOString(),
    finishedAt: null,
    elapsedMs: 0,
  });
  render();
  track(examId);
}

export function stopStreams() {
  for (const controller of streams.values()) controller.abort();
  streams.clear();
  live.clear();
  local.clear();
  summaries = [];
  render();
}

async function track(examId) {
  if (streams.has(examId) || streams.size >= MAX_STREAMS) return;
  const controller = new AbortController();
  streams.set(examId, controller);
  let last;
  try {
    for await (const doc of statusEvents(examId, controller.signal)) {
      last = doc;
      live.set(examId, doc);
      renderRow(examId);
      if (isParked(doc.status)) break;
    }
  } catch (err) {
    if (err.name !== 'AbortError') console.warn(`events of ${examId}:`, err.message);
  } finally {
    if (streams.get(examId) === controller) streams.delete(examId);
  }
  // Closed: the list holds the score now; otherwise the next refresh reconnects.
  if (last && (isClosed(last.status) || isParked(last.status)) && !controller.signal.aborted) handlers.changed();
}

async function act(action, examId, button) {
  if (action === 'result') return handlers.openResult(examId);
  if (action === 'pdf') return handlers.openPdf(examId);
  if (action === 'review') return handlers.openReview(examId);
  button.disabled = true;
  try {
    await postJson(`/v1/exams/${examId}/${action}`);
    live.delete(examId);
    if (action === 'retry') {
      streams.get(examId)?.abort();
      streams.delete(examId);
      track(examId);
    }
  } catch (err) {
    handlers.error(err.message);
  } finally {
    button.disabled = false;
    handlers.changed();
  }
}

/** The freshest view of an exam: its live stream while open, else the list row. */
function view(examId) {
  const s = summaries.find((x) => x.examId === examId) ?? local.get(examId);
  const doc = live.get(examId);
  if (doc && (streams.has(examId) || (isClosed(doc.status) && !isClosed(s.status)))) {
    return {
      ...s,
      status: doc.status,
      step: doc.step,
      progress: doc.progress,
      processed: doc.pages.processed,
      pages: doc.pages.total,
      etaMs: doc.etaMs,
      elapsedMs: doc.elapsedMs,
      error: doc.error,
    };
  }
  return { ...s, progress: s.status === 'completed' ? 100 : null, processed: null, etaMs: null, error: null };
}

function render() {
  const ids = [...[...local.keys()].filter((id) => !summaries.some((s) => s.examId === id)), ...summaries.map((s) => s.examId)];
  for (const [id, tr] of rows) if (!ids.includes(id)) (tr.remove(), rows.delete(id));
  const tbody = $('#exam-rows');
  ids.forEach((id, i) => {
    renderRow(id);
    if (tbody.children[i] !== rows.get(id)) tbody.insertBefore(rows.get(id), tbody.children[i] ?? null);
  });
  $('#exams-empty').hidden = ids.length > 0;
}

function renderRow(examId) {
  if (!summaries.some((s) => s.examId === examId) && !local.has(examId)) return;
  const v = view(examId);
  let tr = rows.get(examId);
  if (!tr) {
    tr = h('tr', { dataset: { examId } });
    rows.set(examId, tr);
  }
  tr.dataset.status = v.status;
  const statusLabel = v.status === 'processing' ? `${v.status} · ${v.step}` : v.status;
  const progress = v.progress ?? (v.status === 'pending' ? 0 : null);
  const processed = v.processed ?? (v.status === 'completed' ? v.pages : null);
  const pages = v.pages ? (processed === null ? `${v.pages} page${v.pages > 1 ? 's' : ''}` : `${processed}/${v.pages} pages`) : '';
  const timing = isClosed(v.status) ? duration(v.elapsedMs) : v.etaMs !== null ? `ETA ${duration(v.etaMs)}` : '…';
  const cells = [
    h('td', {}, h('code', { title: examId }, examId.slice(0, 8))),
    h('td', {}, v.studentId ?? '—'),
    h('td', {}, v.templateId ?? '—'),
    h('td', {}, h('span', { class: `badge ${v.status}`, title: v.error ?? '' }, statusLabel)),
    h(
      'td',
      { class: 'progress-col' },
      progress === null
        ? h('span', { class: 'muted' }, '—')
        : [progressBar(progress, v.status), h('span', { class: 'pct' }, `${Math.round(progress)}%`)],
      h('div', { class: 'muted tiny' }, pages),
    ),
    h('td', { class: 'eta' }, timing),
    h('td', { class: 'score' }, v.score ?? '—'),
    h('td', { class: 'muted' }, when(v.createdAt)),
    h('td', { class: 'row-actions' }, actions(examId, v.status)),
  ];
  tr.replaceChildren(...cells);
}

function actions(examId, status) {
  const button = (action, label, cls = 'small') => h('button', { type: 'button', class: cls, dataset: { action } }, label);
  return [
    status === 'needs_review' && button('review', 'Review'),
    status === 'completed' && button('result', 'Result'),
    status === 'completed' && button('pdf', 'PDF', 'small ghost'),
    !isClosed(status) && button('cancel', 'Cancel', 'small danger'),
    (status === 'failed' || status === 'cancelled') && button('retry', 'Retry', 'small'),
    h(
      'a',
      {
        href: temporalWorkflowUrl(examId),
        target: '_blank',
        rel: 'noopener',
        class: 'small link',
        title: 'the workflow in the Temporal Web UI',
      },
      'Temporal ↗',
    ),
  ];
}
