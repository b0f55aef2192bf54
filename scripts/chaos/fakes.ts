import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeLlm, type FakeLlm, type FakeReply, type SeenRequest } from '../../test/helpers/fake-llm';

// The chaos run's loopback counterparts: an LLM provider that can turn faulty for a
// stretch, and a school's webhook receiver that counts deliveries per exam run.

/** A valid diagnosis built from the request's own data, in the paper's language. */
function healthyDiagnosis(req: SeenRequest): FakeReply {
  const data = req.data as { title: string; knowledgePoints: { name: string; mastery: number }[] };
  const zh = /[\u4e00-\u9fff]/.test(data.title);
  const weak = data.knowledgePoints.filter((k) => k.mastery < 0.6).map((k) => k.name);
  const strong = data.knowledgePoints.filter((k) => k.mastery >= 0.85).map((k) => k.name);
  return {
    content: {
      summary: zh ? '这次考试整体表现稳定，请继续保持。' : 'A steady result overall; keep going.',
      weakPoints: weak,
      strengths: strong,
      recommendations: weak.map((w) => (zh ? `复习「${w}」并完成五道练习题。` : `Review ${w} and do five practice questions.`)),
    },
  };
}

const faults: FakeReply[] = [
  { status: 429, headers: { 'retry-after': '1' } },
  { status: 500 },
  { hang: true },
  { content: 'this is not json' },
  { content: { summary: 42 } },
];

export async function startChaosLlm(): Promise<{ llm: FakeLlm; faulty(on: boolean): void; faultsServed(): number }> {
  const llm = await startFakeLlm();
  let faulty = false;
  let served = 0;
  llm.setDefault('diagnosis', (req) => {
    if (!faulty) return healthyDiagnosis(req);
    served++;
    return faults[served % faults.length]!;
  });
  return { llm, faulty: (on) => void (faulty = on), faultsServed: () => served };
}

export interface WebhookReceiver {
  url: string;
  /** delivery id (one per exam run) → how many POSTs carried it, and whether every signature held */
  deliveries: Map<string, { posts: number; signed: boolean; examId: string; event: string }>;
  close(): void;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const deliveries: WebhookReceiver['deliveries'] = new Map();
  const server = http.createServer((req, res) => {
    let body = '';
    req
      .on('data', (c) => (body += c))
      .on('end', () => {
        const id = String(req.headers['x-examflow-delivery']);
        const expected = `sha256=${createHmac('sha256', secret)
          .update(`${String(req.headers['x-examflow-timestamp'])}.${body}`)
          .digest('hex')}`;
        const parsed = JSON.parse(body) as { examId: string; event: string };
        const seen = deliveries.get(id) ?? { posts: 0, signed: true, examId: parsed.examId, event: parsed.event };
        seen.posts++;
        seen.signed &&= req.headers['x-examflow-signature'] === expected;
        deliveries.set(id, seen);
        res.writeHead(204).end();
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/exam-events`, deliveries, close: () => server.close() };
}
