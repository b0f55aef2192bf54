import './helpers/env';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listExamsQueryFor } from '../api/schemas';
import { config } from '../lib/config';
import { pageTokens } from '../lib/page-token';

// Only page tokens the API issued reach the store (issue 13: a forged token cost ~21 s and a 500).

test('a sealed token opens to its cursor; a forged or altered one does not pass the query schema', () => {
  const cursor = Buffer.from('{"CloseTime":"9999-12-31T23:59:59Z","StartTime":"2026-11-30T19:59:11Z","RunID":"r"}');
  const tokens = pageTokens(config().EXAMFLOW_PAYLOAD_KEY);
  const listExamsQuerySchema = listExamsQueryFor(tokens);
  const token = tokens.seal(cursor);
  assert.deepEqual(tokens.open(token), cursor);
  assert.equal(listExamsQuerySchema.safeParse({ pageToken: token }).success, true);
  const altered = Buffer.from(token, 'base64url');
  altered[altered.length - 2]! ^= 1;
  for (const forged of [cursor.toString('base64url'), altered.toString('base64url'), 'AAAA', `${token}A`]) {
    assert.equal(listExamsQuerySchema.safeParse({ pageToken: forged }).success, false, forged);
  }
});
