import { ApiError, events, getJson, session } from './api.js';
import { initBatches, refreshBatches } from './batches.js';
import { $, showMessage } from './dom.js';
import { addSubmitted, initExams, refreshExams, stopStreams } from './exams.js';
import { refreshQueue, refreshStats } from './panels.js';
import { initResult, openPdf, showResult } from './result.js';
import { initReview, openReview, refreshReviews } from './review.js';
import { initSettings } from './settings.js';
import { initUpload, loadTemplates } from './upload.js';

// Wiring: sign in, then keep the panels fresh (every few seconds; the running exams also
// stream their progress).

const REFRESH_MS = 5_000;
let timer = null;

const report = (text) => showMessage($('#upload-message'), text, 'error');

async function refreshAll() {
  const results = await Promise.allSettled([refreshExams(), refreshStats(), refreshQueue(), refreshReviews(), refreshBatches()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed && failed.reason?.status !== 401) console.warn('refresh failed:', failed.reason?.message);
}

function showSignin(error = '') {
  clearInterval(timer);
  timer = null;
  stopStreams();
  $('#app').hidden = true;
  $('#session').hidden = true;
  $('#signin').hidden = false;
  $('#signin-error').textContent = error;
  $('#token-input').focus();
}

async function enterApp() {
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#session').hidden = false;
  const token = session.token();
  $('#session-label').textContent = `signed in · token …${token.slice(-4)}`;
  await initSettings();
  await loadTemplates().catch((err) => report(err.message));
  await refreshAll();
  clearInterval(timer);
  timer = setInterval(() => document.visibilityState === 'visible' && refreshAll(), REFRESH_MS);
}

async function signIn(token) {
  try {
    // Any authenticated read tells whether the token is known; an admin token (403 on templates) is fine too.
    await getJson('/v1/templates', { token }).catch((err) => {
      if (!(err instanceof ApiError && err.status === 403)) throw err;
    });
    session.set(token);
    await enterApp();
  } catch (err) {
    showSignin(err.status === 401 ? 'This token is not accepted by the API.' : err.message);
  }
}

function boot() {
  $('#signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('#token-input').value.trim();
    if (token) signIn(token);
  });
  $('#signout-button').addEventListener('click', () => {
    session.clear();
    showSignin();
  });
  events.addEventListener('unauthorized', () => {
    if (!session.token()) return;
    session.clear();
    showSignin('Your token was refused: sign in again.');
  });
  const openResult = (examId) => showResult(examId).catch((err) => report(err.message));
  initUpload({
    onSubmitted: (exam) => {
      addSubmitted(exam);
      refreshStats().catch(() => {});
    },
  });
  initExams({
    openResult,
    openPdf: async (examId) => {
      await openResult(examId);
      await openPdf(examId).catch((err) => report(err.message));
    },
    openReview: (examId) => {
      openReview(examId).catch((err) => report(err.message));
      document.querySelector('#review-panel').scrollIntoView({ block: 'start' });
    },
    changed: () => refreshAll(),
    error: report,
  });
  initResult({ error: report });
  initReview({ changed: () => refreshAll() });
  initBatches({ error: report });
  document.addEventListener('examflow:settings', () => refreshExams().catch(() => {}));
  // Hidden tabs skip the periodic refresh; catch up as soon as the tab is back.
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && timer && refreshAll());
  if (session.token()) enterApp();
  else showSignin();
}

boot();
