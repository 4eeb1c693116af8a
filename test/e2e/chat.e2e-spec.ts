import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { ROOT, startPlatform, StartedPlatform } from './platform';

/**
 * Chat with a document, end to end: the platform started as a user starts it, a page OCR'd through
 * the gateway, the job indexed by chat-service from `ocr.jobs.finished` (or on demand by the
 * gateway), questions asked over HTTP. On the committed Tesseract test page (Apache-2.0), and,
 * where the evaluation set is beside the project, on SROIE receipt 000 (research-only licence:
 * read at run time, never committed).
 */
interface Citation {
  page: number;
  snippet: string;
  bbox: number[];
}
interface AskResponse {
  conversation: string;
  message: { role: string; content: string; citations: Citation[] };
}
interface Job {
  uuid: string;
  status: string;
  pages: { index: number; text: string }[];
}

const PHOTOTEST = join(ROOT, 'libs/ocr-engine/test/fixtures/phototest.tif');
const RECEIPT = join(ROOT, '..', 'shared', 'eval', 'dev', 'dev-A-sroie-000', '000.jpg');

describe('chat with a document (end to end)', () => {
  let platform: StartedPlatform;
  let otherToken: string;

  beforeAll(async () => {
    platform = await startPlatform();
    const signup = await fetch(`${platform.url}/api/v1/accounts/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: `chat-e2e-${Date.now()}@example.com` }),
    });
    expect(signup.status).toBeLessThan(300);
    otherToken = ((await signup.json()) as { token: string }).token;
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
  });

  async function submit(file: Buffer, name: string, token = platform.token, language?: string): Promise<Job> {
    const form = new FormData();
    form.append('file', new Blob([file]), name);
    if (language) form.append('language', language);
    const res = await fetch(`${platform.url}/api/v1/ocr/`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    expect(res.status).toBe(200);
    return (await res.json()) as Job;
  }

  function ask(uuid: string, body: object, token: string | null = platform.token): Promise<Response> {
    return fetch(`${platform.url}/api/v1/chat/${uuid}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  }

  async function answer(uuid: string, message: string, conversation?: string): Promise<AskResponse> {
    const res = await ask(uuid, { message, ...(conversation ? { conversation } : {}) });
    const body = (await res.json()) as AskResponse;
    expect({ status: res.status, body }).toMatchObject({ status: 200 });
    return body;
  }

  /** Every citation names a page of the job and quotes text that stands on that page, with its box. */
  function expectGrounded(job: Job, res: AskResponse): void {
    expect(res.message.role).toBe('assistant');
    expect(res.message.citations.length).toBeGreaterThan(0);
    for (const c of res.message.citations) {
      expect(c.page).toBe(1);
      expect(job.pages[c.page - 1]!.text).toContain(c.snippet);
      expect(c.bbox).toHaveLength(4);
    }
  }

  describe('on the Tesseract test page', () => {
    let job: Job;
    beforeAll(async () => {
      job = await submit(readFileSync(PHOTOTEST), 'phototest.tif');
      expect(job.status).toBe('done');
    }, 120_000);

    it('answers from the page with a verbatim citation, declines what the page does not say, and keeps the conversation', async () => {
      const first = await answer(job.uuid, 'What jumped over the lazy fox?');
      expectGrounded(job, first);
      expect(first.message.content.toLowerCase()).toContain('lazy');
      expect(first.message.citations[0]!.snippet.toLowerCase()).toContain('fox');

      const unknown = await answer(job.uuid, 'What is the name of the pilot?', first.conversation);
      expect(unknown.conversation).toBe(first.conversation);
      expect(unknown.message.citations).toEqual([]);
      expect(unknown.message.content).toMatch(/could not find/i);

      const followUp = await answer(job.uuid, 'and the file formats?', first.conversation);
      expect(followUp.conversation).toBe(first.conversation);
      expectGrounded(job, followUp);
      expect(followUp.message.citations[0]!.snippet.toLowerCase()).toContain('format');

      const second = await answer(job.uuid, 'Does it work on all types of file?');
      expect(second.conversation).not.toBe(first.conversation);

      for (const path of [`/api/v1/chat/${job.uuid}/history/`, `/api/v1/chat/${job.uuid}/history`]) {
        const res = await fetch(`${platform.url}${path}`, { headers: { Authorization: `Bearer ${platform.token}` } });
        expect(res.status).toBe(200);
        const history = (await res.json()) as { conversations: { id: string; created_at: string; messages: { role: string; content: string }[] }[] };
        expect(history.conversations.map((c) => c.id)).toEqual([first.conversation, second.conversation]);
        expect(history.conversations[0]!.messages.map((m) => [m.role, m.content])).toEqual([
          ['user', 'What jumped over the lazy fox?'],
          ['assistant', first.message.content],
          ['user', 'What is the name of the pilot?'],
          ['assistant', unknown.message.content],
          ['user', 'and the file formats?'],
          ['assistant', followUp.message.content],
        ]);
      }
    }, 60_000);

    it('refuses anonymous callers (401), other accounts (404), and empty or over-long messages (400)', async () => {
      const anonymous = await ask(job.uuid, { message: 'What jumped over the lazy fox?' }, null);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ code: 'unauthorized', detail: expect.any(String) });
      expect((await fetch(`${platform.url}/api/v1/chat/${job.uuid}/history/`)).status).toBe(401);

      const stranger = await ask(job.uuid, { message: 'What jumped over the lazy fox?' }, otherToken);
      expect(stranger.status).toBe(404);
      expect((await fetch(`${platform.url}/api/v1/chat/${job.uuid}/history/`, { headers: { Authorization: `Bearer ${otherToken}` } })).status).toBe(404);

      for (const message of ['', '   ', 'x'.repeat(2001)]) {
        const res = await ask(job.uuid, { message });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ detail: expect.any(String) });
      }
    }, 60_000);
  });

  it('answers 409 while a long job is still running', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    for (let i = 1; i <= 12; i++) pdf.addPage([612, 792]).drawText(`Page ${i}: the quarterly total is ${i}00.00 EUR`, { x: 72, y: 700, size: 14, font });
    const job = await submit(Buffer.from(await pdf.save()), 'long.pdf');
    expect(['pending', 'processing']).toContain(job.status);
    const res = await ask(job.uuid, { message: 'What is the total?' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'not_ready', detail: expect.any(String) });
  }, 120_000);

  (existsSync(RECEIPT) ? describe : describe.skip)('on SROIE receipt 000', () => {
    it('answers the total and, following up, the date, each cited verbatim from page 1', async () => {
      const job = await submit(readFileSync(RECEIPT), '000.jpg', platform.token, 'en');
      expect(job.status).toBe('done');
      const total = await answer(job.uuid, 'What is the total?');
      expectGrounded(job, total);
      expect(total.message.content).toContain('9.00');
      const date = await answer(job.uuid, 'and its date?', total.conversation);
      expect(date.conversation).toBe(total.conversation);
      expectGrounded(job, date);
      expect(date.message.content).toContain('25/12/2018');
      const unknown = await answer(job.uuid, 'What is the patient\'s blood type?', total.conversation);
      expect(unknown.message.citations).toEqual([]);
    }, 120_000);
  });
});
