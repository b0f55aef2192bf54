import Router from '@koa/router';
import { closedBatchPhases } from '../domain/batch-status';
import { closedExamStatuses, priorities } from '../domain/exam-states';
import { pageRules } from '../domain/page-rules';
import type { Config } from '../lib/config';

// Open (like /openapi.json): what a page may be, with this deployment's limits, as JSON for
// any client and as a module the web page imports (web/js/*.js cannot import TypeScript),
// so the web page accepts and says exactly what the API does.

export function pageRulesRoutes(cfg: Config): Router {
  const rules = pageRules({ maxBytes: cfg.EXAMFLOW_MAX_UPLOAD_BYTES, maxPages: cfg.EXAMFLOW_MAX_PAGES });
  const facts = { pageRules: rules, closedExamStatuses, closedBatchPhases, priorities };
  const module = Object.entries(facts)
    .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
    .join('\n');
  const router = new Router();
  router.get('/page-rules.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.body = rules;
  });
  router.get('/js/facts.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.body = module;
  });
  return router;
}
