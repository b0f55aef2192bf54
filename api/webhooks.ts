import Router from '@koa/router';
import type { Config } from '../lib/config';
import { checkWebhookTarget, UnsafeWebhookTarget } from '../lib/webhooks/webhook-target';
import { loadWebhook, removeWebhook, saveWebhook } from '../lib/webhooks/webhooks';
import { requireTenant, type AuthState } from './http/auth';
import { ApiError, validate } from './http/errors';
import { requireJsonBody } from './http/content-types';
import { webhookRequestSchema } from './schemas';

// A tenant's webhook. The secret is shown once, when it is set; deliveries carry
// X-Examflow-Signature: sha256=HMAC(secret, "<X-Examflow-Timestamp>.<body>").
export function webhookRoutes(cfg: Pick<Config, 'EXAMFLOW_WEBHOOK_ALLOW_PRIVATE'>): Router<AuthState> {
  const router = new Router<AuthState>();
  router.use('/v1/webhook', requireTenant());

  router.put('/v1/webhook', requireJsonBody(), async (ctx) => {
    const { url, secret } = validate(webhookRequestSchema, ctx.request.body, 'webhook');
    try {
      await checkWebhookTarget(url, { allowPrivate: cfg.EXAMFLOW_WEBHOOK_ALLOW_PRIVATE });
    } catch (err) {
      if (err instanceof UnsafeWebhookTarget) throw new ApiError(400, 'unsafe_webhook_url', err.message);
      throw err;
    }
    ctx.body = await saveWebhook(ctx.state.tenantId, url, secret);
  });

  router.get('/v1/webhook', async (ctx) => {
    const webhook = await loadWebhook(ctx.state.tenantId);
    if (!webhook) throw new ApiError(404, 'webhook_not_found', 'no webhook is set: PUT /v1/webhook {"url": "https://…"}');
    ctx.body = { url: webhook.url, createdAt: webhook.createdAt };
  });

  router.delete('/v1/webhook', async (ctx) => {
    await removeWebhook(ctx.state.tenantId);
    ctx.status = 204;
  });
  return router;
}
