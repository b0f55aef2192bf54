import type { QuestionTags } from '../domain/tagging';
import type { ArtifactStore } from '../lib/artifacts/artifact-store';
import type { LlmSettings } from '../lib/llm/settings';
import type { TtlCache } from '../lib/tagging/tag-cache';
import type { WebhookPost } from '../lib/webhooks/webhook-target';
import type { OcrEngine } from '../reading/ocr/ocr-engine';

// What the activities work with, built once by the process that runs them (worker/activity-deps.ts
// from its configuration; tests build their own) and handed to createActivities.

export interface ActivityDeps {
  /** pages, readings, grades and reports, by key */
  store: ArtifactStore;
  /** the LLM provider for tagging, the open-answer rubric and the diagnosis; null: rules only */
  llm: LlmSettings | null;
  /** LLM tags of questions already seen, and how long they stay */
  tags: { cache: TtlCache<QuestionTags>; ttlMs: number };
  /** the recognisers (pages and answer boxes) */
  ocr: OcrEngine;
  /** HTML → A4 PDF (reports) */
  renderPdf(html: string): Promise<Buffer>;
  /** POSTs to a tenant's webhook; resolves with the HTTP status */
  postWebhook(url: string, post: WebhookPost): Promise<number>;
  /** the most pages a class batch may have */
  maxBatchPages: number;
}
