import { getJson, postJson, request } from './api.js';
import { $, duration, h, progressBar, showMessage, when } from './dom.js';
import { closedBatchPhases } from './facts.js';

// Class batches: upload a class's scan (one PDF, or page images), follow each batch live
// (status, progress, exams graded, pages skipped or not placed), then open its class report
// and download its scores spreadsheet.

const FOLLOW_MS = 1_500;
const closed = new Set(closedBatchPhases);
let files = [];
let following = null;
let shown = ''; // the list as last drawn: redrawn only when it changed (a redraw can swallow a click)
const links = new Map(); // batchId → { report, scores } blob URLs

function renderFiles() {
  $('#batch-files').textContent = files.length ? files.map((f) => f.name).join(', ') : '';
}

async function blobLink(batchId, file, type) {
  const res = await request(`/v1/batches/${batchId}/${file}`, { accept: type });
  const url = URL.createObjectURL(new Blob([await res.blob()], { type }));
  const kept = links.get(batchId) ?? {};
  if (kept[file]) URL.revokeObjectURL(kept[file]);
  links.set(batchId, { ...kept, [file]: url });
  return url;
}

/** Fetches the file with the token and offers it as a link (the page cannot send the token through a plain href). */
async function offer(batchId, file, type, label) {
  const url = await blobLink(batchId, file, type);
  const link = $(`tr[data-batch-id="${batchId}"] a[data-file="${file}"]`);
  if (link) {
    link.href = url;
    link.hidden = false;
    link.textContent = label;
  }
  if (type === 'application/pdf') window.open(url, '_blank', 'noopener');
}

function countsText(b) {
  const c = b.counts;
  const parts = [`${c.completed}/${b.examsPlanned ?? '?'} graded`];
  if (c.needs_review) parts.push(`${c.needs_review} to review`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  return parts.join(' · ');
}

function pagesText(b) {
  const notes = [
    ...b.unplacedPages.map((p) => `p.${p.page} not placed: ${p.reason}`),
    ...b.skippedPages.map((p) => `p.${p.page} ${p.reason}`),
  ];
  return notes.length
    ? h(
        'span',
        { class: b.unplacedPages.length ? 'warn' : 'muted', title: notes.join('\n') },
        `${b.unplacedPages.length} unplaced · ${b.skippedPages.length} blank`,
      )
    : '—';
}

function row(b) {
  const done = b.status === 'completed';
  return h(
    'tr',
    { dataset: { batchId: b.batchId, status: b.status } },
    h('td', {}, h('strong', {}, b.name ?? b.batchId.slice(0, 8)), h('div', { class: 'muted tiny' }, when(b.createdAt))),
    h(
      'td',
      {},
      h('span', { class: `badge ${b.status === 'needs_review' ? 'processing' : b.status}` }, b.status),
      b.error ? h('div', { class: 'error tiny' }, b.error) : null,
    ),
    h('td', {}, progressBar(b.progress, closed.has(b.status) ? b.status : 'processing'), ' ', `${Math.round(b.progress)}%`),
    h('td', {}, closed.has(b.status) ? duration(b.elapsedMs) : b.etaMs !== null ? `≈ ${duration(b.etaMs)} left` : '—'),
    h('td', { class: 'counts' }, countsText(b)),
    h('td', {}, pagesText(b)),
    h(
      'td',
      { class: 'batch-actions' },
      done ? h('button', { type: 'button', class: 'small', dataset: { action: 'report' } }, '班级报告 Report') : null,
      done ? h('button', { type: 'button', class: 'small ghost', dataset: { action: 'scores' } }, '成绩表 Scores') : null,
      !closed.has(b.status) ? h('button', { type: 'button', class: 'small ghost', dataset: { action: 'cancel' } }, 'Cancel') : null,
      h('a', { class: 'small', hidden: true, target: '_blank', rel: 'noopener', dataset: { file: 'report.pdf' } }),
      h('a', { class: 'small', hidden: true, download: `scores-${b.batchId}.xlsx`, dataset: { file: 'scores.xlsx' } }),
    ),
  );
}

export async function refreshBatches() {
  const { batches } = await getJson('/v1/batches?limit=20');
  const drawn = JSON.stringify(batches.map(({ elapsedMs, etaMs, ...b }) => ({ ...b, time: closed.has(b.status) ? elapsedMs : etaMs })));
  if (drawn !== shown) {
    shown = drawn;
    $('#batch-rows').replaceChildren(...batches.map(row));
  }
  $('#batches-empty').hidden = batches.length > 0;
  // Links already fetched stay offered across refreshes.
  for (const [batchId, kept] of links) {
    for (const [file, url] of Object.entries(kept)) {
      const link = $(`tr[data-batch-id="${batchId}"] a[data-file="${file}"]`);
      if (link)
        ((link.href = url),
          (link.hidden = false),
          (link.textContent = file === 'report.pdf' ? 'Report ready — open' : 'Scores ready — download'));
    }
  }
  const open = batches.some((b) => !closed.has(b.status));
  clearTimeout(following);
  following = open ? setTimeout(() => refreshBatches().catch(() => {}), FOLLOW_MS) : null;
}

export function initBatches({ error }) {
  const message = $('#batch-message');
  $('#batch-file-input').addEventListener('change', (e) => {
    files = [...e.target.files];
    renderFiles();
  });
  $('#batch-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!files.length) return showMessage(message, 'Choose the class’s scan (one PDF, or the page images).', 'error');
    const form = new FormData();
    const name = $('#batch-name').value.trim();
    if (name) form.set('name', name);
    for (const f of files) form.append('pages', f, f.name);
    $('#batch-submit').disabled = true;
    showMessage(message, `Uploading ${files.length} file(s)…`);
    try {
      const body = await (await request('/v1/batches', { method: 'POST', form })).json();
      message.dataset.batchId = body.batchId;
      showMessage(message, `已提交 Submitted: batch ${body.batchId}`, 'ok');
      files = [];
      $('#batch-file-input').value = '';
      $('#batch-name').value = '';
      renderFiles();
      await refreshBatches();
    } catch (err) {
      showMessage(message, err.message, 'error');
    } finally {
      $('#batch-submit').disabled = false;
    }
  });
  $('#batch-rows').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const batchId = button.closest('tr').dataset.batchId;
    const action = button.dataset.action;
    const done =
      action === 'report'
        ? offer(batchId, 'report.pdf', 'application/pdf', 'Report ready — open')
        : action === 'scores'
          ? offer(batchId, 'scores.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Scores ready — download')
          : postJson(`/v1/batches/${batchId}/cancel`, {}).then(() => refreshBatches());
    done.catch((err) => error(err.message));
  });
}
