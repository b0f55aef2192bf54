import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { testActivities } from './helpers/activities';
import { activityPolicies } from '../workflows/policies';

// The one policy table: every activity has complete timeouts and retries, bad input never
// retries, and the README documents each row.

test('every activity has a complete policy', () => {
  assert.deepEqual(Object.keys(activityPolicies).sort(), Object.keys(testActivities().activities).sort());
  for (const [name, policy] of Object.entries(activityPolicies)) {
    assert.ok(policy.startToCloseTimeout, `${name}: start-to-close`);
    assert.ok(policy.scheduleToCloseTimeout, `${name}: schedule-to-close`);
    const retry = policy.retry;
    for (const field of ['initialInterval', 'backoffCoefficient', 'maximumInterval', 'maximumAttempts'] as const)
      assert.ok(retry[field], `${name}: retry.${field}`);
    assert.ok(retry.backoffCoefficient >= 1, `${name}: backoff`);
  }
});

test('the exam steps never retry bad input', () => {
  for (const name of ['ocrPage', 'parseExam', 'analyzeAnswers', 'diagnoseExam', 'renderReport'] as const) {
    assert.deepEqual(activityPolicies[name].retry.nonRetryableErrorTypes, ['BadInput'], name);
  }
  assert.ok(activityPolicies.ocrPage.heartbeatTimeout, 'OCR is heartbeat-supervised');
});

test('the README documents every row of the table', () => {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  for (const name of Object.keys(activityPolicies)) assert.match(readme, new RegExp(`\\| \`${name}\` \\|`), name);
});
