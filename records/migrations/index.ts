import type { Migration } from 'kysely';
import * as exams from './0001-exams';
import * as rollups from './0002-rollups';
import * as templatesWebhooks from './0003-templates-webhooks';
import * as review from './0004-review';
import * as batches from './0005-batches';

/** Every migration, by name; names sort in the order they run. Never edit one that shipped: add the next. */
export const migrations: Record<string, Migration> = {
  '0001-exams': exams,
  '0002-rollups': rollups,
  '0003-templates-webhooks': templatesWebhooks,
  '0004-review': review,
  '0005-batches': batches,
};
