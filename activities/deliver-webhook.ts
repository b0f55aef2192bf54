import { ApplicationFailure } from '@temporalio/activity';
import { UnsafeWebhookTarget } from '../lib/webhooks/webhook-target';
import { loadWebhook, signWebhook } from '../lib/webhooks/webhooks';
import type { WebhookDeliveryInput } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

/**
 * POSTs the closing status document to the tenant's webhook, signed with HMAC-SHA256.
 * A non-2xx answer throws, so the policy table's backoff retries it; 410 Gone means the
 * school removed the endpoint, so it stops. The target is checked again on this very
 * connection (DNS may have changed since it was set) and a redirect is never followed:
 * both stop at once instead of retrying for a day. Receivers dedupe on X-Examflow-Delivery.
 */
export async function deliverWebhook(
  deps: Pick<ActivityDeps, 'postWebhook'>,
  input: WebhookDeliveryInput,
): Promise<{ delivered: boolean; status: number | null }> {
  const webhook = await loadWebhook(input.tenantId);
  if (!webhook) return { delivered: false, status: null };
  const body = JSON.stringify({ event: input.event, examId: input.examId, runId: input.runId, status: input.status });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'examflow-webhook/1',
    'X-Examflow-Event': input.event,
    // One delivery id per exam run and event kind: a run may say `needs_review` before it closes.
    'X-Examflow-Delivery': `${input.examId}/webhook/${input.runId}${input.event === 'exam.needs_review' ? '/needs_review' : ''}`,
    'X-Examflow-Timestamp': timestamp,
    'X-Examflow-Signature': signWebhook(webhook.secret, timestamp, body),
  };
  let status: number;
  try {
    status = await deps.postWebhook(webhook.url, { headers, body, timeoutMs: 20_000 });
  } catch (err) {
    if (err instanceof UnsafeWebhookTarget) throw ApplicationFailure.nonRetryable(err.message, 'WebhookTargetRefused');
    throw err;
  }
  if (status === 410) throw ApplicationFailure.nonRetryable(`webhook ${webhook.url} answered 410 Gone`, 'WebhookGone');
  if (status >= 300 && status < 400) {
    throw ApplicationFailure.nonRetryable(
      `webhook ${webhook.url} answered a ${status} redirect, which examflow never follows: set the final URL with PUT /v1/webhook`,
      'WebhookRedirect',
    );
  }
  if (status < 200 || status >= 300) throw new Error(`webhook ${webhook.url} answered ${status}`);
  return { delivered: true, status };
}
