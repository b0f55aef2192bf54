import { getJson } from './api.js';
import { $ } from './dom.js';

// Where the Temporal Web UI is: this browser's setting, else what the API reports
// (GET /v1/meta, when the API offers it), else the dev server's default.

const KEY = 'examflow.temporal';
const fallback = { temporalUiUrl: 'http://localhost:8233', namespace: 'default' };
let fromApi = {};

const saved = () => JSON.parse(localStorage.getItem(KEY) ?? '{}');
const current = () => ({ ...fallback, ...fromApi, ...saved() });

export function temporalWorkflowUrl(examId) {
  const { temporalUiUrl, namespace } = current();
  return `${temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(examId)}`;
}

export async function initSettings() {
  try {
    fromApi = await getJson('/v1/meta');
  } catch {
    fromApi = {};
  }
  const fill = () => {
    $('#temporal-ui-input').value = current().temporalUiUrl;
    $('#temporal-ns-input').value = current().namespace;
  };
  fill();
  $('#settings-save').addEventListener('click', () => {
    const value = { temporalUiUrl: $('#temporal-ui-input').value.trim(), namespace: $('#temporal-ns-input').value.trim() };
    for (const k of Object.keys(value)) if (!value[k]) delete value[k];
    localStorage.setItem(KEY, JSON.stringify(value));
    fill();
    $('#temporal-ui-input').closest('details').open = false;
    document.dispatchEvent(new Event('examflow:settings'));
  });
}
