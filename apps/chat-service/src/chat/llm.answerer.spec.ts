import { receiptJob } from '../testing/receipt.fixture';
import { ScriptedModelServer } from '../testing/model-server.fixture';
import { AnswerRequest, ExtractiveAnswerer, Turn } from './answerer';
import { ChatCompletionsClient } from './chat-completions.client';
import { parseIndexRequest } from './chat.dto';
import { LlmAnswerer, locateQuote, parseReply } from './llm.answerer';
import { analyzeQuestion } from './question';

const { chunks } = parseIndexRequest({ job_json: JSON.stringify(receiptJob()), account_id: 'acc' });
const line = (text: string) => chunks.find((c) => c.text === text)!;
const reply = (answer: string | null, citations: { page: number; quote: string }[]) => ({ content: JSON.stringify({ answer, citations }) });

describe(LlmAnswerer.name, () => {
  let server: ScriptedModelServer;
  let warnings: { details: Record<string, unknown>; message: string }[];
  let baseUrl: string;

  beforeEach(async () => {
    server = new ScriptedModelServer();
    baseUrl = await server.start();
    warnings = [];
  });
  afterEach(() => server.close());

  const answererWith = (options: { apiKey?: string; timeoutMs?: number } = {}) =>
    new LlmAnswerer(
      new ChatCompletionsClient({ baseUrl, model: 'scripted-7b', apiKey: options.apiKey }),
      new ExtractiveAnswerer(),
      { warn: (details, message) => warnings.push({ details, message }) },
      { timeoutMs: options.timeoutMs ?? 5_000 },
    );
  const request = (text: string, history: Turn[] = [], askedAt = Date.now()): AnswerRequest => ({
    text,
    question: analyzeQuestion(text),
    retrieved: chunks,
    leading: [],
    history,
    askedAt,
  });

  it('keeps a grounded answer, its quotes cited with their page and the line’s box', async () => {
    server.reply(reply('The total is 5.70.', [{ page: 1, quote: 'TOTAL 5.70' }]));
    const sut = await answererWith().answer(request('What is the total?'));
    expect(sut).toEqual({ content: 'The total is 5.70.', citations: [{ page: 1, snippet: 'TOTAL 5.70', bbox: line('TOTAL 5.70').bbox }] });
    expect(warnings).toEqual([]);
  });

  it('cites a quote that runs over lines (whitespace aside) line by line, each with its own box', async () => {
    server.reply(reply('It is at No. 31G&33G, Jalan Setia Indah, 40170 Setia Alam.', [{ page: 1, quote: 'NO. 31G&33G, JALAN SETIA INDAH X ,U13/X  40170 SETIA ALAM' }]));
    const sut = await answererWith().answer(request('What is the address?'));
    expect(sut.citations).toEqual([
      { page: 1, snippet: 'NO. 31G&33G, JALAN SETIA INDAH X ,U13/X', bbox: line('NO. 31G&33G, JALAN SETIA INDAH X ,U13/X').bbox },
      { page: 1, snippet: '40170 SETIA ALAM', bbox: line('40170 SETIA ALAM').bbox },
    ]);
  });

  it('drops a fabricated quote and a quote put on the wrong page, keeping the one that stands', async () => {
    server.reply(
      reply('The total is 5.70.', [
        { page: 1, quote: 'GRAND TOTAL 9.99' },
        { page: 2, quote: 'TOTAL 5.70' },
        { page: 1, quote: 'TOTAL 5.70' },
      ]),
    );
    const sut = await answererWith().answer(request('What is the total?'));
    expect(sut.citations).toEqual([{ page: 1, snippet: 'TOTAL 5.70', bbox: line('TOTAL 5.70').bbox }]);
  });

  it('turns an answer whose quotes are all fabricated into the plain decline, without citations', async () => {
    server.reply(reply('The pilot was Captain Nur.', [{ page: 1, quote: 'Pilot: Captain Nur' }, { page: 2, quote: 'Flight MH370' }]));
    const sut = await answererWith().answer(request('What is the name of the pilot?'));
    expect(sut.citations).toEqual([]);
    expect(sut.content).toMatch(/could not find the answer/i);
    expect(sut.content).not.toMatch(/captain/i);
    expect(server.requests).toHaveLength(1);
  });

  it('declines, without citations, when the model says the excerpts do not answer', async () => {
    server.reply(reply(null, []), { content: JSON.stringify({ answer: 'The document does not say.', found: false, citations: [{ page: 1, quote: 'TOTAL 5.70' }] }) });
    for (const q of ['What is the wifi password?', "What is the patient's blood type?"]) {
      const sut = await answererWith().answer(request(q));
      expect(sut).toEqual({ content: expect.stringMatching(/could not find the answer/i), citations: [] });
    }
    expect(server.requests).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['answers 500', { status: 500, body: '{"error":{"message":"model crashed"}}' }],
    ['answers with a body that is not JSON', { status: 200, body: '<html>gateway error</html>' }],
    ['answers a completion without message content', { status: 200, body: '{"choices":[]}' }],
    ['writes prose instead of the JSON object', { content: 'Sure! The total is 5.70, see the bottom of the receipt.' }],
  ] as const)('falls back to the extractive answer, with a warning, when the endpoint %s', async (_case, scripted) => {
    server.reply(scripted);
    const sut = await answererWith().answer(request('What is the total?'));
    expect(sut.citations).toEqual([{ page: 1, snippet: 'TOTAL 5.70', bbox: line('TOTAL 5.70').bbox }]);
    expect(sut.content).toContain('5.70');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/answering extractively/);
  });

  it('falls back to the extractive answer when the endpoint does not answer within the time limit', async () => {
    server.reply({ hang: true });
    const sut = await answererWith({ timeoutMs: 300 }).answer(request('What is the date?'));
    expect(sut.citations).toEqual([{ page: 1, snippet: 'Date: 27/03/2018', bbox: line('Date: 27/03/2018').bbox }]);
    expect(warnings[0]!.details.reason).toMatch(/no answer within/);
  });

  it('falls back at once when the question has already spent its time on the model', async () => {
    const sut = await answererWith({ timeoutMs: 1_000 }).answer(request('What is the total?', [], Date.now() - 5_000));
    expect(sut.citations.map((c) => c.snippet)).toEqual(['TOTAL 5.70']);
    expect(server.requests).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('falls back to the extractive answer when nothing listens at the endpoint', async () => {
    await server.close();
    const sut = await answererWith().answer(request('What is the total?'));
    expect(sut.citations.map((c) => c.snippet)).toEqual(['TOTAL 5.70']);
    expect(warnings[0]!.details.reason).toMatch(/cannot reach/);
  });

  it('sends the retrieved lines by page and the earlier turns, so a follow-up is understood', async () => {
    server.reply(reply('It is dated 27/03/2018.', [{ page: 1, quote: 'Date: 27/03/2018' }]));
    const history: Turn[] = [
      { role: 'user', content: 'What is the total?' },
      { role: 'assistant', content: 'The total is 5.70: "TOTAL 5.70" (p. 1)' },
    ];
    const sut = await answererWith().answer(request('and its date?', history));
    expect(sut.citations.map((c) => c.snippet)).toEqual(['Date: 27/03/2018']);
    const [sent] = server.requests;
    expect(sent).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: 'scripted-7b', temperature: 0, response_format: { type: 'json_object' } } });
    const messages = sent!.body.messages!;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages.slice(1)).toEqual([...history, { role: 'user', content: 'and its date?' }]);
    const system = messages[0]!.content;
    expect(system).toContain('=== page 1 ===\nSANYU STATIONERY SHOP\nNO. 31G&33G, JALAN SETIA INDAH X ,U13/X\n40170 SETIA ALAM');
    expect(system).toContain('Date: 27/03/2018');
    expect(system).toContain('=== page 2 ===\nThank you, please come again');
    expect(sent!.headers.authorization).toBeUndefined();
  });

  it('declines without asking the model when nothing was retrieved', async () => {
    const sut = await answererWith().answer({ ...request('What is the wifi password?'), retrieved: [] });
    expect(sut.citations).toEqual([]);
    expect(server.requests).toEqual([]);
  });

  it('sends only the retrieved lines, marking the lines left out', async () => {
    server.reply(reply(null, []));
    await answererWith().answer({ ...request('What is the total?'), retrieved: [line('SANYU STATIONERY SHOP'), line('TOTAL 5.70')] });
    const system = server.requests[0]!.body.messages![0]!.content;
    expect(system).toContain('=== page 1 ===\nSANYU STATIONERY SHOP\n…\nTOTAL 5.70');
    expect(system).not.toContain('Cashier');
  });

  it('sends the API key as a Bearer token when one is configured', async () => {
    server.reply(reply('The total is 5.70.', [{ page: 1, quote: 'TOTAL 5.70' }]));
    await answererWith({ apiKey: 'sk-local-123' }).answer(request('What is the total?'));
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-local-123');
  });

  it('asks again without response_format when the server refuses it, and no longer sends it', async () => {
    server.reply(
      { status: 400, body: '{"error":{"message":"response_format is not supported"}}' },
      { content: 'Here you go:\n```json\n{"answer": "5.70", "citations": [{"page": 1, "quote": "TOTAL 5.70"}]}\n```' },
      reply('The date is 27/03/2018.', [{ page: 1, quote: 'Date: 27/03/2018' }]),
    );
    const sut = answererWith();
    expect((await sut.answer(request('What is the total?'))).citations.map((c) => c.snippet)).toEqual(['TOTAL 5.70']);
    expect((await sut.answer(request('What is the date?'))).citations.map((c) => c.snippet)).toEqual(['Date: 27/03/2018']);
    expect(server.requests.map((r) => r.body.response_format?.type ?? null)).toEqual(['json_object', null, null]);
    expect(warnings).toEqual([]);
  });
});

describe(parseReply.name, () => {
  it('reads the object out of what models wrap around it', () => {
    const expected = { answer: 'The total is 5.70.', citations: [{ page: 1, quote: 'TOTAL 5.70' }] };
    expect(parseReply('{"answer": "The total is 5.70.", "citations": [{"page": 1, "quote": "TOTAL 5.70"}]}')).toEqual(expected);
    expect(parseReply('<think>the total line…</think>\n```json\n{"answer": "The total is 5.70.", "citations": [{"page": "1", "snippet": "TOTAL 5.70"}]}\n```')).toEqual(expected);
    expect(parseReply('Answer: {"answer": "The total is 5.70.", "citations": [{"page": 1, "quote": "TOTAL 5.70"}, {"page": "one", "quote": "x"}]} Hope it helps')).toEqual(expected);
  });

  it('says null for a reply that is no such object', () => {
    for (const text of ['The total is 5.70.', '[1, 2]', '{"result": "5.70"}', '{"answer": 5.7}', '']) expect(parseReply(text)).toBeNull();
  });
});

describe(locateQuote.name, () => {
  it('never takes a quote too short to be evidence', () => {
    expect(locateQuote('5', 1, chunks)).toEqual([]);
    expect(locateQuote('  ', 1, chunks)).toEqual([]);
  });

  it('takes part of a line as it stands on the page', () => {
    expect(locateQuote('Invoice  No:\nCS-SA-0076015', 1, chunks)).toEqual([{ page: 1, snippet: 'Invoice No: CS-SA-0076015', bbox: line('Invoice No: CS-SA-0076015').bbox }]);
    expect(locateQuote('CS-SA-0076015', 1, chunks)).toEqual([{ page: 1, snippet: 'CS-SA-0076015', bbox: line('Invoice No: CS-SA-0076015').bbox }]);
    expect(locateQuote('cs-sa-0076015', 1, chunks)).toEqual([]);
  });
});
