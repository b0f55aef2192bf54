import './helpers/env';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ParsedExam } from '../domain/paper';
import type { Template } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';
import { loadConfig } from '../lib/config';
import { freePort } from '../lib/free-port';
import { installTemporalRuntime } from '../lib/temporal/temporal-runtime';
import { createActivityDeps, type OwnedActivityDeps } from '../worker/activity-deps';
import { startFakeLlm, type FakeLlm } from './helpers/fake-llm';

// The tag cache's hit rate is measured where tagging runs: a worker process's activities,
// built as worker/main.ts builds them, report every lookup to the Temporal runtime, whose
// Prometheus endpoint (EXAMFLOW_WORKER_METRICS_PORT) serves it. Tagging the same paper twice
// is one miss per untagged question, then one hit each.

let fake: FakeLlm;
let owned: OwnedActivityDeps;
let port: number;

before(async () => {
  fake = await startFakeLlm();
  fake.setDefault('tagging', (req) => ({
    content: {
      questions: (req.data.questions as { number: string }[]).map((q) => ({
        number: q.number,
        knowledgePoints: [`LLM/${q.number}`],
        difficulty: 'easy',
      })),
    },
  }));
  port = await freePort();
  const cfg = loadConfig({ ...process.env, EXAMFLOW_WORKER_METRICS_PORT: String(port), EXAMFLOW_TAG_CACHE: 'memory' });
  installTemporalRuntime(cfg);
  owned = createActivityDeps(cfg, { meter: Runtime.instance().metricMeter });
});
after(async () => {
  await owned?.close();
  await fake?.close();
  await Runtime.instance().shutdown(); // its metrics server would keep the process alive
});

const template: Template = {
  id: 'metrics-quiz',
  title: '测验',
  subject: 'math',
  language: 'zh',
  questions: [
    { number: '1', type: 'fill', points: 5, answer: '5', text: '解方程 2x+1=11，x=____' },
    { number: '2', type: 'choice', points: 5, answer: 'B', text: '下列各数中，无理数是' },
  ],
};
const parsed: ParsedExam = {
  title: null,
  student: { name: null, class: null, id: null },
  answers: [
    { number: '1', answer: '5', confidence: 0.9, page: 0 },
    { number: '2', answer: 'B', confidence: 0.9, page: 0 },
  ],
  missing: [],
};

async function scrape(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

test('the worker exports the tag cache hit rate of its own tagging: a paper tagged twice is a hit the second time', async () => {
  const llm = { baseUrl: fake.baseUrl, model: 'test-model', apiKey: 'sk-test', timeoutMs: 2_000, maxRetries: 0 };
  const { analyzeAnswers } = createActivities({ ...owned.deps, llm });
  for (let paper = 0; paper < 2; paper++) {
    const examId = randomUUID();
    const keys = examKeys(examId);
    await Promise.all([owned.deps.store.putJson(keys.template, template), owned.deps.store.putJson(keys.parsed, parsed)]);
    await new MockActivityEnvironment().run(analyzeAnswers, { examId, templateKey: keys.template, parsedKey: keys.parsed });
  }
  assert.equal(fake.count('tagging'), 1, 'the second paper was tagged from the cache');
  let body = '';
  // The exporter serves what the runtime has collected; give it a moment to catch up.
  for (let i = 0; i < 40 && !/^examflow_tag_cache_hit_ratio 0\.5$/m.test(body); i++) {
    if (i) await new Promise((r) => setTimeout(r, 250));
    body = await scrape();
  }
  assert.match(body, /^examflow_tag_cache_hit_ratio 0\.5$/m, body.slice(0, 3000));
  assert.match(body, /^examflow_tag_cache_lookups\{result="hit"\} 2$/m);
  assert.match(body, /^examflow_tag_cache_lookups\{result="miss"\} 2$/m);
});
