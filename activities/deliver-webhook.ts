import { ApplicationFailure } from '@temporalio/activity';
import { loadWebhook, signWebhook } from '../lib/webhooks';
import type { WebhookDeliveryInput } from '../workflows/definitions';

/**
 * POSTs the closing status document to the tenant's webhook, signed with HMAC-SHA256.
 * A non-2xx answer throws, so the policy table's backoff retries it; 410 Gone means the
 * school removed the endpoint, so it stops. Receivers dedupe on X-Examflow-Delivery.
 */
export async function deliverWebhook(input: WebhookDeliveryInput): Promise<{ delivered: boolean; status: number | null }> {
  const webhook = await loadWebhook(input.tenantId);
  if (!webhook) return { delivered: false, status: null };
  const body = JSON.stringify({ event: input.event, examId: input.examId, runId: input.runId, status: input.status });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(webhook.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'examflow-webhook/1',
      'X-Examflow-Event': input.event,
      'X-Examflow-Delivery': `${input.examId}/webhook/${input.runId}`,
      'X-Examflow-Timestamp': timestamp,
      'X-Examflow-Signature': signWebhook(webhook.secret, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  await response.body?.cancel();
  if (response.status === 410) throw ApplicationFailure.nonRetryable(`webhook ${webhook.url} answered 410 Gone`, 'WebhookGone');
  if (!response.ok) throw new Error(`webhook ${webhook.url} answered ${response.status}`);
  return { delivered: true, status: response.status };
}
