// Small DOM and formatting helpers; text always goes in as text, never as HTML.

export const $ = (selector) => document.querySelector(selector);

/** h('td', { class: 'x', dataset: { id } }, 'text', childNode) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat())
    if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A progress bar: a track and a fill whose width is set through the CSSOM (allowed by the CSP). */
export function progressBar(percent, status) {
  const fill = h('span', { class: 'fill' });
  fill.style.width = `${Math.max(0, Math.min(100, percent))}%`;
  return h(
    'span',
    {
      class: `bar ${status}`,
      role: 'progressbar',
      'aria-valuenow': String(Math.round(percent)),
      'aria-valuemin': '0',
      'aria-valuemax': '100',
    },
    fill,
  );
}

export function showMessage(el, text, kind = 'info') {
  el.textContent = text;
  el.className = `message ${kind}`;
}
