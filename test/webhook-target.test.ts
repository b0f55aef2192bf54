import './helpers/env';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { testActivities } from './helpers/activities';
import { blockedAddressKind, checkWebhookTarget, postToWebhook, UnsafeWebhookTarget } from '../lib/webhooks/webhook-target';
import { saveWebhook } from '../lib/webhooks/webhooks';
import { useTestRecords } from './helpers/records';

// Webhook targets: which addresses may receive deliveries, and what a delivery does when
// the target turns out to be private at send time or answers with a redirect. Receivers
// are real HTTP servers on loopback (this process allows loopback, as development does).

const hits = { first: 0, second: 0 };
let first: http.Server;
let second: http.Server;
let firstPort = 0;
let secondPort = 0;

before(async () => {
  // Webhook settings live in the records database.
  await useTestRecords();
  second = http.createServer((req, res) => {
    hits.second++;
    res.end('ok');
  });
  await new Promise<void>((r) => second.listen(0, '127.0.0.1', r));
  secondPort = (second.address() as AddressInfo).port;
  first = http.createServer((req, res) => {
    hits.first++;
    res.writeHead(307, { Location: `http://127.0.0.1:${secondPort}/internal` }).end();
  });
  await new Promise<void>((r) => first.listen(0, '127.0.0.1', r));
  firstPort = (first.address() as AddressInfo).port;
});
after(() => {
  first.close();
  second.close();
});

const { deliverWebhook } = testActivities().activities;
const delivery = { tenantId: 'hooks-1', examId: 'e1', runId: 'r1', event: 'exam.completed', status: {} } as unknown as Parameters<
  typeof deliverWebhook
>[0];
const post = { headers: { 'Content-Type': 'application/json' }, body: '{}', timeoutMs: 5_000 };

test('address kinds: only public unicast addresses may receive webhooks', () => {
  const blocked: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
  ];
  for (const [address, kind] of blocked) assert.equal(blockedAddressKind(address), kind, address);
  for (const address of ['64:ff9b::7f00:1', '2002:7f00:1::1', '2001:db8::1']) assert.notEqual(blockedAddressKind(address), null, address);
  for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111']) assert.equal(blockedAddressKind(address), null, address);
});

test('a host that resolves to loopback is refused at delivery time, before any connection', async () => {
  await assert.rejects(postToWebhook(`http://localhost:${secondPort}/hook`, post, { allowPrivate: false }), UnsafeWebhookTarget);
  await assert.rejects(postToWebhook(`http://127.0.0.1:${secondPort}/hook`, post, { allowPrivate: false }), UnsafeWebhookTarget);
  await assert.rejects(checkWebhookTarget(`http://localhost:${secondPort}/hook`, { allowPrivate: false }), /loopback/);
  assert.equal(hits.second, 0, 'the receiver was never reached');
});

test('a redirect is never followed: the delivery stops at once, without retrying', async () => {
  const status = await postToWebhook(`http://127.0.0.1:${firstPort}/hook`, post, { allowPrivate: true });
  assert.equal(status, 307);
  await saveWebhook(delivery.tenantId, `http://127.0.0.1:${firstPort}/hook`);
  await assert.rejects(deliverWebhook(delivery), (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure && err.nonRetryable, 'not retried for a day');
    assert.match(err.message, /307 redirect, which examflow never follows/);
    return true;
  });
  assert.equal(hits.first, 2);
  assert.equal(hits.second, 0, 'the redirect target (another internal port) was never called');
});
