import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../lib/temporal/payload-codec';

// Payloads leave examflow's processes encrypted; old (plain) payloads still decode.

const input = { examId: 'e-1', student: { name: '李明', id: '2023001' } };

test('payloads are sealed with AES-GCM: no student data in clear text, and they round-trip', async () => {
  const codec = new AesGcmPayloadCodec('a test key');
  const plain = defaultPayloadConverter.toPayload(input);
  const [sealed] = await codec.encode([plain]);
  const bytes = Buffer.from(sealed!.data!);
  for (const secret of ['李明', '2023001', 'student']) assert.equal(bytes.includes(Buffer.from(secret)), false, secret);
  assert.equal(Buffer.from(sealed!.metadata!.encoding!).toString(), 'binary/encrypted');
  const [opened] = await codec.decode([sealed!]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(opened!), input);
});

test('a payload written before encryption (an old history) decodes as it is', async () => {
  const plain = defaultPayloadConverter.toPayload(input);
  const [same] = await new AesGcmPayloadCodec('k').decode([plain]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(same!), input);
});

test('another key, or a tampered payload, is refused rather than misread', async () => {
  const [sealed] = await new AesGcmPayloadCodec('key one').encode([defaultPayloadConverter.toPayload(input)]);
  await assert.rejects(new AesGcmPayloadCodec('key two').decode([sealed!]), /EXAMFLOW_PAYLOAD_KEY/);
  const tampered = Buffer.from(sealed!.data!);
  tampered[20] = tampered[20]! ^ 1;
  await assert.rejects(new AesGcmPayloadCodec('key one').decode([{ ...sealed!, data: tampered }]));
});
