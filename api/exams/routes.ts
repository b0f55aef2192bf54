import Router from '@koa/router';
import type { AuthState } from '../http/auth';
import { requireTenant } from '../http/auth';
import { requireMultipart } from '../http/content-types';
import type { ApiDeps } from '../deps';
import { pagesUpload } from './uploads';
import { cancelHandler, eraseHandler, retryHandler } from './control';
import {
  examEventsHandler,
  examStatusHandler,
  listExamsHandler,
  queueHandler,
  reportHtmlHandler,
  reportPdfHandler,
  resultHandler,
  statisticsHandler,
} from './reads';
import { submitExamHandler, submitManyHandler } from './submit';

/** Every /v1/exams route (and the queue they wait in), each handled by its own function. */
export function examRoutes(deps: ApiDeps): Router<AuthState> {
  const router = new Router<AuthState>();
  const upload = pagesUpload({ maxBytes: deps.cfg.EXAMFLOW_MAX_UPLOAD_BYTES, maxPages: deps.cfg.EXAMFLOW_MAX_PAGES });
  const intake = [requireTenant(), requireMultipart(), upload] as const;
  router.post('/v1/exams', ...intake, submitExamHandler(deps));
  router.post('/v1/exams/batch', ...intake, submitManyHandler(deps));
  router.get('/v1/exams', listExamsHandler(deps));
  router.get('/v1/exams/statistics', statisticsHandler());
  router.get('/v1/queue', queueHandler(deps));
  router.get('/v1/exams/:examId', examStatusHandler(deps));
  router.get('/v1/exams/:examId/events', examEventsHandler(deps));
  router.get('/v1/exams/:examId/result', resultHandler(deps));
  router.get('/v1/exams/:examId/report.pdf', reportPdfHandler(deps));
  router.get('/v1/exams/:examId/report.html', reportHtmlHandler(deps));
  router.post('/v1/exams/:examId/cancel', cancelHandler(deps));
  router.post('/v1/exams/:examId/retry', retryHandler(deps));
  router.delete('/v1/exams/:examId', eraseHandler(deps));
  return router;
}
