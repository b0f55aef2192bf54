import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A scriptable stand-in for an OpenAI-compatible chat completions API, on 127.0.0.1 only.
// Tests queue replies per kind of request (tagging, rubric, diagnosis); the kind is read
// from the system prompt, so parallel calls of different kinds never race for a reply.

export type RequestKind = 'tagging' | 'rubric' | 'diagnosis' | 'other';

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** the model's message content: an object is sent as its JSON text, a string as is */
  content?: unknown;
  /** a raw response body instead of a chat completion */
  body?: string;
  /** never answer (the client must time out) */
  hang?: boolean;
}

export interface SeenRequest {
  kind: RequestKind;
  path: string;
  authorization: string | undefined;
  body: { model: string; messages: { role: string; content: string }[]; response_format?: { type: string } };
  /** the user message parsed as JSON (the prompts send their data as JSON) */
  data: Record<string, unknown>;
  at: number;
}

type Responder = FakeReply | ((req: SeenRequest) => FakeReply);

export interface FakeLlm {
  baseUrl: string;
  requests: SeenRequest[];
  /** queue replies for one kind; when the queue is empty the kind's default answers */
  script(kind: RequestKind, ...replies: Responder[]): void;
  /** the reply when nothing is queued (initially HTTP 500) */
  setDefault(kind: RequestKind, reply: Responder): void;
  reset(): void;
  count(kind: RequestKind): number;
  close(): Promise<void>;
}

function kindOf(system: string): RequestKind {
  if (/tag school exam questions/i.test(system)) return 'tagging';
  if (/grade one open exam question/i.test(system)) return 'rubric';
  if (/diagnosis/i.test(system)) return 'diagnosis';
  return 'other';
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const queues = new Map<RequestKind, Responder[]>();
  const defaults = new Map<RequestKind, Responder>();
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as SeenRequest['body'];
      const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
      const user = body.messages.find((m) => m.role === 'user')?.content ?? '{}';
      const seen: SeenRequest = {
        kind: kindOf(system),
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body,
        data: JSON.parse(user) as SeenRequest['data'],
        at: Date.now(),
      };
      requests.push(seen);
      const responder = queues.get(seen.kind)?.shift() ?? defaults.get(seen.kind) ?? { status: 500, body: '{"error":"no reply scripted"}' };
      const reply = typeof responder === 'function' ? responder(seen) : responder;
      if (reply.hang) return;
      const content = typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content ?? {});
      const payload =
        reply.body ??
        JSON.stringify({
          id: 'fake',
          object: 'chat.completion',
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        });
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', ...reply.headers });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script: (kind, ...replies) => queues.set(kind, [...(queues.get(kind) ?? []), ...replies]),
    setDefault: (kind, reply) => defaults.set(kind, reply),
    reset() {
      queues.clear();
      defaults.clear();
      requests.length = 0;
    },
    count: (kind) => requests.filter((r) => r.kind === kind).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // hung requests too
        server.close(() => resolve());
      }),
  };
}
