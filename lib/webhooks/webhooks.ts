import { createHmac, randomBytes } from 'node:crypto';
import { deleteWebhook, findWebhook, upsertWebhook } from '../../records/webhooks';

// A tenant's webhook: where examflow POSTs the status document when an exam closes, and
// the secret it signs each body with.

export interface WebhookConfig {
  url: string;
  secret: string;
  createdAt: string;
}

// Kept in the records database (one row per tenant).
export function loadWebhook(tenantId: string): Promise<WebhookConfig | null> {
  return findWebhook(tenantId);
}

export async function saveWebhook(tenantId: string, url: string, secret?: string): Promise<WebhookConfig> {
  const config: WebhookConfig = { url, secret: secret ?? randomBytes(24).toString('base64url'), createdAt: new Date().toISOString() };
  await upsertWebhook(tenantId, config);
  return config;
}

export function removeWebhook(tenantId: string): Promise<void> {
  return deleteWebhook(tenantId);
}

/**
 * `X-Examflow-Signature: sha256=<hex>` over `<timestamp>.<body>`: the receiver recomputes
 * it with the shared secret, and the timestamp stops an old delivery being replayed.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
