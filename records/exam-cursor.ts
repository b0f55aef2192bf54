import type { PageTokens } from '../lib/page-token';

// The opaque page token of the exam list: the position of the last exam shown, in the
// list's order (created_at, then exam id, both descending).

export interface ExamCursor {
  createdAtMs: number;
  examId: string;
}

/** A page token that was not one we handed out. */
export class InvalidCursor extends Error {}

// Sealed with lib/page-token.ts: the list's query schema refuses any token the API did not issue.
export const encodeCursor = (tokens: PageTokens, c: ExamCursor) => tokens.seal(Buffer.from(`${c.createdAtMs}.${c.examId}`));

export function decodeCursor(tokens: PageTokens, token: string): ExamCursor {
  const text = tokens.open(token)?.toString('utf8') ?? '';
  const match = /^(\d{1,15})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(text);
  if (!match)
    throw new InvalidCursor(
      'pageToken is not one this API returned: pass back nextPageToken unchanged, or leave it out for the first page',
    );
  return { createdAtMs: Number(match[1]), examId: match[2]! };
}
