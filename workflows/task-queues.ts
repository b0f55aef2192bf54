// OCR is CPU-bound and runs on its own task queue with its own concurrency limit; the
// light activities and the workflows share the base queue. One naming rule, used by the
// workflow (to route ocrPage) and the worker (to poll).
export function ocrTaskQueue(baseTaskQueue: string): string {
  return `${baseTaskQueue}-ocr`;
}
