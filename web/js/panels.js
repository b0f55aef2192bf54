import { getJson } from './api.js';
import { $, duration, h } from './dom.js';

// Statistics (GET /v1/exams/statistics) and queue (GET /v1/queue) panels.

const pct = (n) => (n === null || n === undefined ? '—' : `${n.toFixed(n >= 99.95 || n === 0 ? 0 : 1)}%`);
const tile = (label, value, cls = '') =>
  h('div', { class: `tile ${cls}` }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));

export async function refreshStats() {
  const s = await getJson('/v1/exams/statistics');
  const trend = s.hourlyTrend.slice(-24);
  const peak = Math.max(1, ...trend.map((t) => t.completed + t.failed + t.cancelled));
  const bars = trend.map((t) => {
    const bar = h('span', {
      class: 'spark',
      title: `${new Date(t.hour).toLocaleString()} — ${t.completed} completed, ${t.failed} failed, ${t.cancelled} cancelled`,
    });
    const closed = t.completed + t.failed + t.cancelled;
    bar.style.height = closed ? `${Math.max(8, (closed / peak) * 100)}%` : '2px';
    if (t.failed) bar.classList.add('has-failed');
    if (!closed) bar.classList.add('zero');
    return bar;
  });
  $('#stats-body').replaceChildren(
    h(
      'div',
      { class: 'tiles' },
      tile('total', s.total),
      tile('completed · 完成', s.byStatus.completed, 'completed'),
      tile('in progress · 处理中', s.byStatus.pending + s.byStatus.processing, 'processing'),
      tile('failed · 失败', s.byStatus.failed, 'failed'),
      tile('cancelled', s.byStatus.cancelled, 'cancelled'),
      tile('success rate', pct(s.successRate)),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'average time'),
      h('dd', {}, duration(s.window.processingMs.average)),
      h('dt', {}, 'p95'),
      h('dd', {}, duration(s.window.processingMs.p95)),
      h('dt', {}, 'throughput'),
      h('dd', {}, `${s.window.throughputPerMinute.toFixed(2)} / min`),
    ),
    trend.length ? h('div', { class: 'sparkline', title: 'exams closed per hour' }, bars) : null,
  );
}

export async function refreshQueue() {
  const q = await getJson('/v1/queue');
  $('#queue-body').replaceChildren(
    h(
      'table',
      { class: 'compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['stage', 'backlog', 'in flight', 'slots', 'pollers', 'est. wait'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        q.stages.map((s) =>
          h(
            'tr',
            { dataset: { stage: s.stage } },
            h('td', {}, h('strong', {}, s.stage === 'ocr' ? 'OCR' : 'grading'), h('div', { class: 'muted tiny' }, s.taskQueue)),
            h('td', {}, s.backlog),
            h('td', {}, s.inFlight),
            h('td', {}, s.concurrencyLimit),
            h('td', {}, s.pollers),
            h('td', {}, duration(s.estimatedWaitMs)),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted tiny' },
      `${q.pending} waiting · ${q.inFlight} in flight (max ${q.maxInFlight}) · admission limit ${q.admissionLimit}`,
    ),
  );
}
