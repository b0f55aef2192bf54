import { getJson, postJson, request } from './api.js';
import { $, h, showMessage, when } from './dom.js';

// The review screen: the exams waiting for a teacher (GET /v1/reviews), then each waiting
// answer one at a time, its image beside the machine's reading; one click or one key decides
// it (POST /v1/exams/:id/review), and the next one shows at once.

const reasons = {
  scored_by_teacher: 'scored by the teacher · 老师评分',
  not_found: 'not found on the paper · 未识别',
  double: 'double mark · 多涂',
  erased: 'erased mark · 有擦除',
  faint: 'faint mark · 填涂过浅',
  low_confidence: 'unsure reading · 识别存疑',
};

let current = null; // { examId, items, index }
let handlers = { changed: () => {} };

export function initReview(options) {
  handlers = { ...handlers, ...options };
  $('#review-refresh').addEventListener('click', () => refreshReviews());
  $('#review-queue').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-exam-id]');
    if (button) openReview(button.dataset.examId).catch((err) => say(err.message, 'error'));
  });
  $('#review-item').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-decision]');
    if (button) decideBy(button.dataset.decision);
  });
  $('#review-answer-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const answer = $('#review-answer').value.trim();
    if (answer) decide({ answer });
  });
  document.addEventListener('keydown', onKey);
}

const say = (text, kind = 'info') => showMessage($('#review-message'), text, kind);

export async function refreshReviews() {
  const page = await getJson('/v1/reviews?limit=50');
  $('#review-count').textContent = page.exams.length ? `${page.exams.length} waiting` : '';
  $('#review-empty').hidden = page.exams.length > 0 || current !== null;
  $('#review-queue').replaceChildren(
    ...page.exams.map((e) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'ghost small', dataset: { examId: e.examId }, title: `waiting since ${when(e.waitingSince)}` },
          `${e.studentName ?? e.studentId ?? e.examId.slice(0, 8)} · ${e.templateId} · ${e.items} to check`,
        ),
      ),
    ),
  );
}

export async function openReview(examId) {
  const review = await getJson(`/v1/exams/${examId}/review`);
  const items = review.items.filter((i) => i.decision === null);
  current = { examId, items, index: 0 };
  $('#review-empty').hidden = true;
  if (!items.length) return finish('Every answer of this exam is decided already.');
  await showItem();
}

async function showItem() {
  const { items, index, examId } = current;
  const item = items[index];
  $('#review-item').hidden = false;
  $('#review-item').dataset.itemId = item.itemId;
  $('#review-where').textContent =
    `Exam ${examId.slice(0, 8)} · question ${item.section ? `${item.section}·` : ''}${item.number} (${item.type}, ${item.points} pts) · ${reasons[item.reason] ?? item.reason}`;
  $('#review-machine').textContent = item.machineAnswer ?? '— (blank / not found)';
  $('#review-confidence').textContent = `${Math.round(item.confidence * 100)}%`;
  $('#review-progress').textContent = `${index + 1} of ${items.length}`;
  $('#review-answer').value = '';
  $('#review-image').src = await imageData(item.imageUrl);
}

/** The image through the token (an <img> cannot send it), as a data: URL the page's CSP allows. */
async function imageData(url) {
  const blob = await (await request(url)).blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function decideBy(kind) {
  const item = current?.items[current.index];
  if (!item) return;
  if (kind === 'skip') return next();
  if (kind === 'accept') return decide(item.machineAnswer === null ? { awarded: 0 } : { answer: item.machineAnswer });
  if (kind === 'full') return decide({ awarded: item.points });
  if (kind === 'zero') return decide({ awarded: 0 });
}

let sending = false;
async function decide(change) {
  const item = current?.items[current.index];
  if (!item || sending) return;
  sending = true;
  try {
    const status = await postJson(`/v1/exams/${current.examId}/review`, { decisions: [{ itemId: item.itemId, ...change }] });
    item.decision = change;
    say(`Question ${item.number}: decided.`, 'ok');
    if (current.items.every((i) => i.decision)) return finish(`Review complete: the exam goes on (${status.status}).`);
    next();
  } catch (err) {
    say(err.message, 'error');
  } finally {
    sending = false;
  }
}

function next() {
  const { items } = current;
  for (let step = 1; step <= items.length; step++) {
    const i = (current.index + step) % items.length;
    if (!items[i].decision) {
      current.index = i;
      showItem().catch((err) => say(err.message, 'error'));
      return;
    }
  }
}

function finish(text) {
  current = null;
  $('#review-item').hidden = true;
  say(text, 'ok');
  refreshReviews().catch(() => {});
  handlers.changed();
}

function onKey(e) {
  if (!current || $('#review-item').hidden || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.closest('input, textarea, select')) return;
  const key = e.key.toLowerCase();
  const item = current.items[current.index];
  if (key === 'a') decideBy('accept');
  else if (key === 'f') decideBy('full');
  else if (key === 'n' || key === 'arrowright') decideBy('skip');
  else if (key === 'e') $('#review-answer').focus();
  else if (/^[0-9]$/.test(key) && Number(key) <= item.points) decide({ awarded: Number(key) });
  else return;
  e.preventDefault();
}
