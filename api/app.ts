import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import Koa, { type Middleware } from 'koa';
import helmet from 'koa-helmet';
import serve from 'koa-static';
import path from 'node:path';
import type { Config } from '../lib/config';
import type { Chromium } from '../lib/documents/browser';
import { httpMetrics, metricsRoute } from '../lib/metrics';
import { answerSheetRoutes } from './templates/answer-sheets';
import { batchRoutes } from './batches/routes';
import { bearerAuth, type AuthState } from './http/auth';
import { codecRoutes } from './codec';
import { createApiDeps } from './deps';
import { docsRoutes } from './docs';
import { ApiError, errorHandler } from './http/errors';
import { refuseOversizedBody, maxBodyBytes } from './http/http-server';
import { slidingWindowLimiter } from './http/rate-limit';
import { examRoutes } from './exams/routes';
import { pageRulesRoutes } from './page-rules';
import { reviewRoutes } from './reviews/routes';
import { correctionRoutes } from './reviews/corrections';
import { studentRoutes } from './students';
import { templateRoutes } from './templates/templates';
import { omrCheckerImportRoutes } from './templates/omrchecker-import';
import { webhookRoutes } from './webhooks';

const webDir = path.resolve(__dirname, '../../web');

/** The Koa app over a connected Temporal client, with the configuration its process read once. */
export function createApp(client: Client, cfg: Config, chromium: Chromium): Koa<AuthState> {
  const deps = createApiDeps(client, cfg, chromium);
  const app = new Koa<AuthState>();
  app.use(httpMetrics()); // outermost: sees the final status errorHandler sets
  app.use(errorHandler);
  app.use(helmet());
  const origins = cfg.EXAMFLOW_CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length > 0) app.use(corsFor(origins));

  // Open: health, docs, what a page may be, and the web page (which asks for a token itself).
  for (const router of [openRoutes(client), docsRoutes(), pageRulesRoutes(cfg)]) app.use(router.routes());
  app.use(serve(webDir, { index: 'index.html', maxage: 60_000 }));

  app.use(refuseOversizedBody(maxBodyBytes(cfg)));
  app.use(bearerAuth(cfg.EXAMFLOW_API_KEYS, { failuresPerMinute: cfg.EXAMFLOW_AUTH_FAILURES_PER_MINUTE }));
  app.use(noStore);
  app.use(perTokenRateLimit(cfg.EXAMFLOW_RATE_LIMIT_PER_MINUTE));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }));
  const routers = [
    metaRoutes(cfg),
    templateRoutes(),
    omrCheckerImportRoutes(),
    answerSheetRoutes(deps),
    examRoutes(deps),
    reviewRoutes(deps),
    correctionRoutes(deps),
    batchRoutes(deps),
    studentRoutes(),
    webhookRoutes(cfg),
    codecRoutes(cfg),
  ];
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods(allowedMethods));
  return app;
}

// Wrong methods answer in the JSON error shape too (405, and 501 for methods no route knows).
const allowedMethods = {
  throw: true,
  methodNotAllowed: () =>
    new ApiError(405, 'method_not_allowed', 'this route does not take that method: see /openapi.json for the methods of each path'),
  notImplemented: () => new ApiError(501, 'not_implemented', 'this API does not implement that HTTP method: see /openapi.json'),
};

function corsFor(origins: string[]): Middleware {
  const allowed = (origin: string) => (origins.includes(origin) || origins.includes('*') ? origin : '');
  return cors({ origin: (ctx) => allowed(ctx.get('origin')), exposeHeaders: ['Location', 'Retry-After'] });
}

/** Health and readiness for orchestrators, metrics for Prometheus: no token. */
function openRoutes(client: Client): Router {
  const open = new Router();
  open.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  open.get('/ready', async (ctx) => {
    await client.workflowService.getSystemInfo({});
    ctx.body = { status: 'ready', temporal: 'reachable' };
  });
  open.get('/metrics', metricsRoute(client));
  return open;
}

/** Everything behind a token is one tenant's data: never kept by a browser or proxy cache. */
const noStore: Middleware<AuthState> = async (ctx, next) => {
  ctx.set('Cache-Control', 'no-store');
  await next();
};

/** Per token, over a sliding minute (a fixed window lets twice the limit through at its edge). */
function perTokenRateLimit(perMinute: number): Middleware<AuthState> {
  const perToken = slidingWindowLimiter({ max: perMinute, windowMs: 60_000 });
  return async (ctx, next) => {
    const wait = perToken.hit(ctx.state.tokenId);
    if (wait !== null) {
      const message = `more than ${perMinute} requests a minute with this token: wait ${wait} s (Retry-After)`;
      throw new ApiError(429, 'rate_limited', message, { retryAfterSeconds: wait }, { 'Retry-After': String(wait) });
    }
    await next();
  };
}

/** What the web page needs to link each exam to its workflow in the Temporal Web UI. */
function metaRoutes(cfg: Config): Router<AuthState> {
  const meta = new Router<AuthState>();
  meta.get('/v1/meta', (ctx) => {
    ctx.body = { temporalUiUrl: cfg.TEMPORAL_UI_URL, namespace: cfg.TEMPORAL_NAMESPACE, tenantId: ctx.state.tenantId };
  });
  return meta;
}
