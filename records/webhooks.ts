import { records } from './database';

// A tenant's webhook setting: one row per tenant.

export interface WebhookRow {
  url: string;
  secret: string;
  createdAt: string;
}

export async function findWebhook(tenantId: string): Promise<WebhookRow | null> {
  const row = await records().selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? { url: row.url, secret: row.secret, createdAt: new Date(row.created_at).toISOString() } : null;
}

export async function upsertWebhook(tenantId: string, webhook: WebhookRow): Promise<void> {
  const values = { url: webhook.url, secret: webhook.secret, created_at: webhook.createdAt };
  await records()
    .insertInto('webhooks')
    .values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
    .execute();
}

export async function deleteWebhook(tenantId: string): Promise<void> {
  await records().deleteFrom('webhooks').where('tenant_id', '=', tenantId).execute();
}
