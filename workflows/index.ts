// The workflow bundle's entry point: every workflow type the workers register.
export { examWorkflow } from './exam-workflow';
export { webhookDeliveryWorkflow } from './webhook-workflow';
export { purgeRecordsWorkflow } from './purge-workflow';
export { correctionWorkflow } from './correction-workflow';
export { batchWorkflow } from './batch-workflow';
