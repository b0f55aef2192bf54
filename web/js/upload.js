import { getJson, request } from './api.js';
import { $, h, showMessage } from './dom.js';
import { pageRules } from './facts.js';

// The upload form: template picker (and its printable answer sheet), drag-and-drop or
// camera pages (reorderable), student, priority.

// What a page may be comes from the API (facts.js is served by it from domain/page-rules.ts).
const acceptedTypes = pageRules.formats.map((f) => f.mimeType);
const acceptedExtensions = pageRules.formats.flatMap((f) => f.extensions);
const isPageFile = (f) => acceptedTypes.includes(f.type) || acceptedExtensions.includes(f.name.split('.').pop().toLowerCase());
// No template chosen: the code printed on examflow's answer sheets names it.
const FROM_SHEET = '';
let sheetUrl = null;
let files = [];

export async function loadTemplates() {
  const select = $('#template-select');
  const previous = select.value;
  let templates = [];
  try {
    ({ templates } = await getJson('/v1/templates'));
  } catch (err) {
    if (err.status !== 403) throw err; // an admin token has no templates of its own
  }
  select.replaceChildren(
    h(
      'option',
      { value: FROM_SHEET },
      templates.length
        ? '从答题卡识别 · from the answer sheet’s code'
        : 'no templates yet: POST /v1/templates or examflow templates add FILE',
    ),
    ...templates.map((t) => h('option', { value: t.id }, `${t.title} (${t.id}) · ${t.questions} questions`)),
  );
  if (templates.some((t) => t.id === previous)) select.value = previous;
  templateChosen();
}

function templateChosen() {
  const id = $('#template-select').value;
  $('#sheet-button').disabled = !id;
  $('#sheet-button').title = id ? `the printable answer sheet of ${id}` : 'pick a template to print its answer sheet';
}

/** The chosen template's answer sheet, fetched with the token and opened as a blob URL. */
async function openSheet() {
  const id = $('#template-select').value;
  if (!id) return;
  const res = await request(`/v1/templates/${encodeURIComponent(id)}/answer-sheet.pdf`, { accept: 'application/pdf' });
  if (sheetUrl) URL.revokeObjectURL(sheetUrl);
  sheetUrl = URL.createObjectURL(new Blob([await res.blob()], { type: 'application/pdf' }));
  const link = $('#sheet-link');
  link.href = sheetUrl;
  link.download = `answer-sheet-${id}.pdf`;
  link.dataset.templateId = id;
  link.hidden = false;
  window.open(sheetUrl, '_blank', 'noopener');
}

function addFiles(list) {
  const added = [...list].filter(isPageFile);
  const skipped = list.length - added.length;
  // Several files dropped at once come in no reliable order: page-2 before page-10 by name.
  added.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  files = [...files, ...added];
  renderPages();
  if (skipped) showMessage($('#upload-message'), `${skipped} file(s) skipped: only ${pageRules.acceptedFormatsText}`, 'error');
}

function renderPages() {
  const kb = (n) => (n > 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
  $('#page-list').replaceChildren(
    ...files.map((f, i) =>
      h(
        'li',
        {},
        h('span', { class: 'page-no' }, `p.${i + 1}`),
        h('span', { class: 'page-name', title: f.name }, f.name),
        h('span', { class: 'muted' }, kb(f.size)),
        h(
          'span',
          { class: 'page-actions' },
          h('button', { type: 'button', class: 'icon', title: 'move up', dataset: { action: 'up', index: i }, disabled: i === 0 }, '↑'),
          h(
            'button',
            { type: 'button', class: 'icon', title: 'move down', dataset: { action: 'down', index: i }, disabled: i === files.length - 1 },
            '↓',
          ),
          h('button', { type: 'button', class: 'icon', title: 'remove', dataset: { action: 'remove', index: i } }, '✕'),
        ),
      ),
    ),
  );
  $('#drop-zone').classList.toggle('has-files', files.length > 0);
}

function movePage(action, i) {
  if (action === 'remove') files.splice(i, 1);
  else {
    const j = action === 'up' ? i - 1 : i + 1;
    [files[i], files[j]] = [files[j], files[i]];
  }
  renderPages();
}

function studentField() {
  const student = {};
  for (const [key, id] of [
    ['name', '#student-name'],
    ['class', '#student-class'],
    ['id', '#student-id'],
  ]) {
    const value = $(id).value.trim();
    if (value) student[key] = value;
  }
  return Object.keys(student).length ? JSON.stringify(student) : null;
}

export function initUpload({ onSubmitted }) {
  const zone = $('#drop-zone');
  const input = $('#file-input');
  for (const picker of [input, $('#batch-file-input')]) picker.accept = pageRules.accept;
  $('#page-formats').textContent = pageRules.formats.map((f) => f.label).join(' · ');
  const message = $('#upload-message');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    addFiles(e.dataTransfer.files);
  });
  zone.addEventListener('click', (e) => {
    if (!e.target.closest('label, input')) input.click();
  });
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') (e.preventDefault(), input.click());
  });
  // The phone's camera: each photo is one more page.
  for (const picker of [input, $('#camera-input')]) {
    picker.addEventListener('change', () => {
      addFiles(picker.files);
      picker.value = '';
    });
  }
  $('#template-select').addEventListener('change', templateChosen);
  $('#sheet-button').addEventListener('click', () => openSheet().catch((err) => showMessage(message, err.message, 'error')));
  $('#page-list').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (button) movePage(button.dataset.action, Number(button.dataset.index));
  });

  $('#upload-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const templateId = $('#template-select').value;
    if (!files.length) return showMessage(message, 'Add at least one page image.', 'error');
    const form = new FormData();
    if (templateId !== FROM_SHEET) form.set('templateId', templateId);
    const student = studentField();
    if (student) form.set('student', student);
    form.set('priority', $('#priority-select').value);
    for (const f of files) form.append('pages', f, f.name);
    const button = $('#submit-button');
    button.disabled = true;
    showMessage(message, `Uploading ${files.length} page(s)…`);
    try {
      const res = await request('/v1/exams', { method: 'POST', form });
      const body = await res.json();
      message.dataset.examId = body.examId;
      showMessage(message, `已提交 Submitted: exam ${body.examId}`, 'ok');
      onSubmitted({
        examId: body.examId,
        templateId: templateId || null,
        studentId: $('#student-id').value.trim() || null,
        pages: files.length,
      });
      files = [];
      renderPages();
      for (const id of ['#student-name', '#student-class', '#student-id']) $(id).value = '';
    } catch (err) {
      const retry = err.status === 429 && err.details?.retryAfterSeconds ? ` Try again in ${err.details.retryAfterSeconds} s.` : '';
      showMessage(message, `${err.message}${retry}`, 'error');
    } finally {
      button.disabled = false;
    }
  });
}
