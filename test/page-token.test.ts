import './helpers/env';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listExamsQuerySchema } from '../api/schemas';
import { openPageToken, sealPageToken } from '../lib/page-token';

// Only page tokens the API issued reach the store (issue 13: a forged token cost ~21 s and a 500).

test('a sealed token opens to its cursor; a forged or altered one does not pass the query schema', () => {
  const cursor = Buffer.from('{"CloseTime":"9999-12-31T23:59:59Z","StartTime":"2026-11-30T19:59:11Z","RunID":"r"}');
  const token = sealPageToken(cursor);
  assert.deepEqual(openPageToken(token), cursor);
  assert.equal(listExamsQuerySchema.safeParse({ pageToken: token }).success, true);
  const altered = Buffer.from(token, 'base64url');
  altered[altered.length - 2]! ^= 1;
  for (const forged of [cursor.toString('base64url'), altered.toString('base64url'), 'AAAA', `${token}A`]) {
    assert.equal(listExamsQuerySchema.safeParse({ pageToken: forged }).success, false, forged);
  }
});
