import Router from '@koa/router';
import { pageRules } from '../domain/page-rules';
import type { Config } from '../lib/config';

// GET /page-rules.json (open, like /openapi.json): what a page may be, with this deployment's
// limits, so the web page accepts exactly what the API does.

export function pageRulesRoutes(cfg: Config): Router {
  const rules = pageRules({ maxBytes: cfg.EXAMFLOW_MAX_UPLOAD_BYTES, maxPages: cfg.EXAMFLOW_MAX_PAGES });
  const router = new Router();
  router.get('/page-rules.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.body = rules;
  });
  return router;
}
