import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WebhookDeliveryInput } from './definitions';
import { activityPolicies } from './policies';

const { deliverWebhook } = proxyActivities<Activities>(activityPolicies.deliverWebhook);

/**
 * One webhook notification for one exam run, started by the exam as an abandoned child:
 * the exam closes at once, the delivery retries with backoff on its own, and its workflow
 * id (`<examId>/webhook/<runId>`) makes a second delivery for the same run impossible.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<{ delivered: boolean; status: number | null }> {
  return deliverWebhook(input);
}
