import type { MetricMeter } from '@temporalio/common';
import type { ActivityDeps } from '../activities';
import { createArtifactStore } from '../lib/artifacts/artifacts';
import type { Config } from '../lib/config';
import { pdfChromium } from '../lib/documents/browser';
import { renderPdf } from '../lib/documents/report-pdf';
import { llmSettings } from '../lib/llm/settings';
import { createTagCache } from '../lib/tagging/tag-cache';
import { postToWebhook } from '../lib/webhooks/webhook-target';
import { OcrEngine } from '../reading/ocr/ocr-engine';
import { tagCacheMetrics } from './tag-cache-metrics';

// The activities' dependencies, built once from the configuration the process read at its
// start (worker/main.ts, and the scripts and tests that run workers in their own process).

export interface OwnedActivityDeps {
  deps: ActivityDeps;
  /** the recognisers, for prewarming */
  ocr: OcrEngine;
  /** stops the recognisers and the browser, closes the cache connection */
  close(): Promise<void>;
}

export function createActivityDeps(cfg: Config, options: { meter?: MetricMeter } = {}): OwnedActivityDeps {
  const ocr = new OcrEngine({
    workers: cfg.EXAMFLOW_OCR_WORKERS,
    dataDir: cfg.EXAMFLOW_DATA_DIR,
    lineReader: cfg.EXAMFLOW_OCR_LINE_READER,
  });
  const chromium = pdfChromium(cfg);
  const tags = createTagCache({
    kind: cfg.EXAMFLOW_TAG_CACHE,
    maxEntries: cfg.EXAMFLOW_TAG_CACHE_MAX_ENTRIES,
    redisUrl: cfg.EXAMFLOW_REDIS_URL,
    ttlMs: cfg.EXAMFLOW_TAG_CACHE_TTL_HOURS * 3600_000,
    onLookup: options.meter ? tagCacheMetrics(options.meter) : undefined,
  });
  const allowPrivate = cfg.EXAMFLOW_WEBHOOK_ALLOW_PRIVATE;
  const deps: ActivityDeps = {
    store: createArtifactStore(cfg),
    llm: llmSettings(cfg),
    tags,
    ocr,
    renderPdf: (html) => renderPdf(chromium, html),
    postWebhook: (url, post) => postToWebhook(url, post, { allowPrivate }),
    maxBatchPages: cfg.EXAMFLOW_MAX_BATCH_PAGES,
  };
  return {
    deps,
    ocr,
    async close() {
      await Promise.allSettled([ocr.terminate(), chromium.close(), tags.close()]);
    },
  };
}
