import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted server answers to one request. */
export type ScriptedReply =
  /** A chat completion whose first choice says `content`. */
  | { content: string }
  /** Any status and raw body. */
  | { status: number; body: string }
  /** No answer at all (the connection stays open until the server closes). */
  | { hang: true };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string };
    temperature?: number;
    [key: string]: unknown;
  };
}

/**
 * A local HTTP server speaking the OpenAI chat-completions protocol (`POST /v1/chat/completions`)
 * on an ephemeral port, answering each request with the next scripted reply and recording what it
 * was sent. A stand-in for vLLM, Ollama or llama.cpp server at the protocol level: no model runs.
 */
export class ScriptedModelServer {
  readonly requests: RecordedRequest[] = [];
  private readonly script: ScriptedReply[] = [];
  private server: Server | null = null;

  /** Queues replies, answered in order (a request with none queued gets 500). */
  reply(...replies: ScriptedReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Starts listening on 127.0.0.1; returns the API base URL (`http://127.0.0.1:<port>/v1`). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (p: Buffer) => parts.push(p));
      req.on('end', () => {
        const raw = Buffer.concat(parts).toString('utf8');
        let body: RecordedRequest['body'] = {};
        try {
          body = JSON.parse(raw) as RecordedRequest['body'];
        } catch {
          /* recorded as empty */
        }
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":{"message":"not found"}}');
          return;
        }
        const next = this.script.shift();
        if (!next) {
          res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":{"message":"nothing scripted"}}');
        } else if ('hang' in next) {
          return;
        } else if ('content' in next) {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(
            JSON.stringify({
              id: `chatcmpl-${this.requests.length}`,
              object: 'chat.completion',
              created: 1_790_000_000,
              model: body.model ?? 'scripted',
              choices: [{ index: 0, message: { role: 'assistant', content: next.content }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            }),
          );
        } else {
          res.writeHead(next.status, { 'Content-Type': 'application/json' }).end(next.body);
        }
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
}
