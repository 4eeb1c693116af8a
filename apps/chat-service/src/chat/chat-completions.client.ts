/** One message of an OpenAI-style chat. */
export interface ChatCompletionMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What the LLM answerer needs from a model server: one completion, within a time limit. */
export interface ChatCompletions {
  /** The first choice's message text; throws ChatCompletionsError when there is none in time. */
  complete(messages: ChatCompletionMessage[], timeoutMs: number): Promise<string>;
}

export interface ChatCompletionsOptions {
  /** Base URL of the OpenAI-compatible API, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
}

/** The endpoint failed: unreachable, timed out, an HTTP error, or a body that is not a completion. */
export class ChatCompletionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatCompletionsError';
  }
}

/** Longest reply asked for: an answer of a few sentences and its quotes, in JSON. */
const MAX_TOKENS = 1024;

/**
 * The chat service's door to an OpenAI-compatible model server (vLLM, Ollama, llama.cpp server):
 * `POST <baseUrl>/chat/completions` with Node's fetch, deterministic (temperature 0), asking for a
 * JSON object (`response_format`). A server that refuses `response_format` (400/422) is asked again
 * without it, and from then on never with it.
 */
export class ChatCompletionsClient implements ChatCompletions {
  private readonly endpoint: string;
  private jsonMode = true;

  constructor(private readonly options: ChatCompletionsOptions) {
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  async complete(messages: ChatCompletionMessage[], timeoutMs: number): Promise<string> {
    const signal = AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs)));
    try {
      let res = await this.post(messages, this.jsonMode, signal);
      if (this.jsonMode && (res.status === 400 || res.status === 422)) {
        await res.body?.cancel();
        res = await this.post(messages, false, signal);
        if (res.ok) this.jsonMode = false;
      }
      const body = await res.text();
      if (!res.ok) throw new ChatCompletionsError(`HTTP ${res.status}: ${body.slice(0, 200)}`);
      return contentOf(body);
    } catch (error) {
      if (error instanceof ChatCompletionsError) throw error;
      if ((error as Error)?.name === 'TimeoutError' || signal.aborted) throw new ChatCompletionsError(`no answer within ${Math.round(timeoutMs)} ms`);
      const cause = (error as { cause?: Error })?.cause?.message;
      throw new ChatCompletionsError(`cannot reach ${this.endpoint}: ${(error as Error)?.message ?? error}${cause ? ` (${cause})` : ''}`);
    }
  }

  private post(messages: ChatCompletionMessage[], jsonMode: boolean, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (this.options.apiKey !== undefined) headers.Authorization = `Bearer ${this.options.apiKey}`;
    const body = {
      model: this.options.model,
      messages,
      temperature: 0,
      max_tokens: MAX_TOKENS,
      stream: false,
      ...(jsonMode ? { response_format: { type: 'json_object' } } : {}),
    };
    return fetch(this.endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal });
  }
}

/** The text of the first choice of a chat-completion response body. */
function contentOf(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ChatCompletionsError(`the response is not JSON: ${JSON.stringify(body.slice(0, 100))}`);
  }
  const content = (parsed as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') throw new ChatCompletionsError('the response has no message content (choices[0].message.content)');
  return content;
}
