/** An answer of the API that is not a success: `{ error: { code, message, details? } }`. Status 0: no answer at all. */
export class ExamflowApiError extends Error {
  override readonly name = 'ExamflowApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** seconds, from a Retry-After header */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** waitFor gave up before the exam closed. */
export class ExamflowTimeoutError extends Error {
  override readonly name = 'ExamflowTimeoutError';
  constructor(
    readonly examId: string,
    readonly timeoutMs: number,
  ) {
    super(`exam ${examId} did not close within ${Math.round(timeoutMs / 1000)} s`);
  }
}

/** Builds the error from a failed response, whatever its body (a proxy may answer HTML). */
export async function errorFromResponse(res: Response): Promise<ExamflowApiError> {
  const text = await res.text().catch(() => '');
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body.error && typeof body.error.code === 'string' && typeof body.error.message === 'string') {
      return new ExamflowApiError(res.status, body.error.code, body.error.message, body.error.details, retryAfter);
    }
  } catch {
    // not JSON: fall through
  }
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new ExamflowApiError(
    res.status,
    `http_${res.status}`,
    `HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ''}`,
    undefined,
    retryAfter,
  );
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
