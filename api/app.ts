import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import helmet from 'koa-helmet';
import ratelimit from 'koa-ratelimit';
import serve from 'koa-static';
import path from 'node:path';
import { config } from '../lib/config';
import { httpMetrics, metricsRoute } from '../lib/metrics';
import { bearerAuth, type AuthState } from './auth';
import { docsRoutes } from './docs';
import { errorHandler } from './errors';
import { examRoutes } from './exams';
import { studentRoutes } from './students';
import { templateRoutes } from './templates';
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

  app.use(bearerAuth(cfg.EXAMFLOW_API_KEYS));
  app.use(
    ratelimit({
      driver: 'memory',
      db: new Map(),
      duration: 60_000,
      max: cfg.EXAMFLOW_RATE_LIMIT_PER_MINUTE,
      id: (ctx) => (ctx.state as AuthState).tokenId,
      throw: true,
      errorMessage: `more than ${cfg.EXAMFLOW_RATE_LIMIT_PER_MINUTE} requests a minute with this token: wait for Retry-After`,
    }),
  );
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }));
  const meta = new Router<AuthState>();
  // What the web page needs to link each exam to its workflow in the Temporal Web UI.
  meta.get('/v1/meta', (ctx) => {
    ctx.body = { temporalUiUrl: cfg.TEMPORAL_UI_URL, namespace: cfg.TEMPORAL_NAMESPACE, tenantId: ctx.state.tenantId };
  });
  for (const router of [meta, templateRoutes(), examRoutes(client), studentRoutes(), webhookRoutes()]) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
