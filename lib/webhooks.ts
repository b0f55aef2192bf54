import { createHmac, randomBytes } from 'node:crypto';
import { artifacts } from './artifacts';

// A tenant's webhook: where examflow POSTs the status document when an exam closes, and
// the secret it signs each body with.

export interface WebhookConfig {
  url: string;
  secret: string;
  createdAt: string;
}

const keyOf = (tenantId: string) => `tenants/${tenantId}/webhook.json`;

export async function loadWebhook(tenantId: string): Promise<WebhookConfig | null> {
  const key = keyOf(tenantId);
  return (await artifacts().exists(key)) ? artifacts().getJson<WebhookConfig>(key) : null;
}

export async function saveWebhook(tenantId: string, url: string, secret?: string): Promise<WebhookConfig> {
  const config: WebhookConfig = { url, secret: secret ?? randomBytes(24).toString('base64url'), createdAt: new Date().toISOString() };
  await artifacts().putJson(keyOf(tenantId), config);
  return config;
}

export function removeWebhook(tenantId: string): Promise<void> {
  return artifacts().remove(keyOf(tenantId));
}

/**
 * `X-Examflow-Signature: sha256=<hex>` over `<timestamp>.<body>`: the receiver recomputes
 * it with the shared secret, and the timestamp stops an old delivery being replayed.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
