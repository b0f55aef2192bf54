import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import helmet from 'koa-helmet';
import serve from 'koa-static';
import path from 'node:path';
import { config } from '../lib/config';
import { httpMetrics, metricsRoute } from '../lib/metrics';
import { answerSheetRoutes } from './answer-sheets';
import { batchRoutes } from './batches';
import { bearerAuth, type AuthState } from './auth';
import { codecRoutes } from './codec';
import { docsRoutes } from './docs';
import { ApiError, errorHandler } from './errors';
import { refuseOversizedBody, maxBodyBytes } from './http-server';
import { slidingWindowLimiter } from './rate-limit';
import { examRoutes } from './exams';
import { reviewRoutes } from './reviews';
import { correctionRoutes } from './corrections';
import { studentRoutes } from './students';
import { templateRoutes } from './templates';
import { omrCheckerImportRoutes } from './omrchecker-import';
import { webhookRoutes } from './webhooks';

const webDir = path.resolve(__dirname, '../../web');

/** The Koa app over a connected Temporal client. */
export function createApp(client: Client): Koa<AuthState> {
  const cfg = config();
  const app = new Koa<AuthState>();
  app.use(httpMetrics()); // outermost: sees the final status errorHandler sets
  app.use(errorHandler);
  app.use(helmet());
  const origins = cfg.EXAMFLOW_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length > 0) {
    app.use(cors({ origin: (ctx) => (origins.includes(ctx.get('origin')) || origins.includes('*') ? ctx.get('origin') : ''), exposeHeaders: ['Location', 'Retry-After'] }));
  }

  // Open: health, docs, and the web page (which asks for a token itself).
  const open = new Router();
  open.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  open.get('/ready', async (ctx) => {
    await client.workflowService.getSystemInfo({});
    ctx.body = { status: 'ready', temporal: 'reachable' };
  });
  open.get('/metrics', metricsRoute(client));
  app.use(open.routes());
  app.use(docsRoutes().routes());
  app.use(serve(webDir, { index: 'index.html', maxage: 60_000 }));

  app.use(refuseOversizedBody(maxBodyBytes(cfg)));
  app.use(bearerAuth(cfg.EXAMFLOW_API_KEYS, { failuresPerMinute: cfg.EXAMFLOW_AUTH_FAILURES_PER_MINUTE }));
  // Everything behind a token is one tenant's data: never kept by a browser or proxy cache.
  app.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  // Per token, over a sliding minute (a fixed window lets twice the limit through at its edge).
  const perToken = slidingWindowLimiter({ max: cfg.EXAMFLOW_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 });
  app.use(async (ctx, next) => {
    const wait = perToken.hit(ctx.state.tokenId);
    if (wait !== null) {
      throw new ApiError(429, 'rate_limited', `more than ${cfg.EXAMFLOW_RATE_LIMIT_PER_MINUTE} requests a minute with this token: wait ${wait} s (Retry-After)`, { retryAfterSeconds: wait }, { 'Retry-After': String(wait) });
    }
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }));
  const meta = new Router<AuthState>();
  // What the web page needs to link each exam to its workflow in the Temporal Web UI.
  meta.get('/v1/meta', (ctx) => {
    ctx.body = { temporalUiUrl: cfg.TEMPORAL_UI_URL, namespace: cfg.TEMPORAL_NAMESPACE, tenantId: ctx.state.tenantId };
  });
  // Wrong methods answer in the JSON error shape too (405, and 501 for methods no route knows).
  const allowedMethods = {
    throw: true,
    methodNotAllowed: () => new ApiError(405, 'method_not_allowed', 'this route does not take that method: see /openapi.json for the methods of each path'),
    notImplemented: () => new ApiError(501, 'not_implemented', 'this API does not implement that HTTP method: see /openapi.json'),
  };
  for (const router of [meta, templateRoutes(), omrCheckerImportRoutes(), answerSheetRoutes(), examRoutes(client), reviewRoutes(client), correctionRoutes(client), batchRoutes(client), studentRoutes(), webhookRoutes(), codecRoutes()]) app.use(router.routes()).use(router.allowedMethods(allowedMethods));
  return app;
}
