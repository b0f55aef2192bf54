import Router from '@koa/router';
import { requireTenant, type AuthState } from '../http/auth';
import { stackUpload } from './batch-intake';
import { requireMultipart } from '../http/content-types';
import type { ApiDeps } from '../deps';
import {
  batchStatusHandler,
  cancelBatchHandler,
  classReportHtmlHandler,
  classReportPdfHandler,
  listBatchesHandler,
  scoresCsvHandler,
  scoresXlsxHandler,
  submitBatchHandler,
} from './handlers';

/** Every /v1/batches route, each handled by its own function (api/batches/handlers.ts). */
export function batchRoutes(deps: ApiDeps): Router<AuthState> {
  const router = new Router<AuthState>();
  router.post('/v1/batches', requireTenant(), requireMultipart(), stackUpload(deps.cfg), submitBatchHandler(deps));
  router.get('/v1/batches', listBatchesHandler());
  router.get('/v1/batches/:batchId', batchStatusHandler(deps));
  router.post('/v1/batches/:batchId/cancel', cancelBatchHandler(deps));
  router.get('/v1/batches/:batchId/report.html', classReportHtmlHandler(deps));
  router.get('/v1/batches/:batchId/report.pdf', classReportPdfHandler(deps));
  router.get('/v1/batches/:batchId/scores.csv', scoresCsvHandler());
  router.get('/v1/batches/:batchId/scores.xlsx', scoresXlsxHandler());
  return router;
}
