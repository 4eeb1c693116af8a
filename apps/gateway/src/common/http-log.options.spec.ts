import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { httpLogOptions, redactUrl } from './http-log.options';

describe('the gateway request log', () => {
  let server: Server;
  let base: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const log = pinoHttp(httpLogOptions('info'), sink); // as nestjs-pino builds it, to another stream
    server = createServer((req, res) => {
      log(req, res);
      res.end(req.url); // the request itself still sees its real URL
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('never holds a token, sent as ?api_token= or as a Bearer header; the request still sees it', async () => {
    const secret = 'ocr_s3cr3tT0ken-value';
    const res = await fetch(`${base}/api/v1/ocr/abc/?format=txt&api_token=${secret}`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(await res.text()).toContain(secret);
    await new Promise((r) => setTimeout(r, 50));

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(secret);
    expect(JSON.parse(lines.at(-1)!).req.url).toBe('/api/v1/ocr/abc/?format=txt&api_token=[Redacted]');
  });

  it('redacts the parameter however it is spelled in the URL, and leaves other URLs alone', () => {
    expect(redactUrl('/a?API_TOKEN=x&b=1')).toBe('/a?API_TOKEN=[Redacted]&b=1');
    expect(redactUrl('/a?api%5Ftoken=x')).toBe('/a?api%5Ftoken=[Redacted]');
    expect(redactUrl('/a?b=1&api_token')).toBe('/a?b=1&api_token=[Redacted]');
    expect(redactUrl('/api/v1/languages/')).toBe('/api/v1/languages/');
    expect(redactUrl('/a?x=%E0%A4%A')).toBe('/a?x=%E0%A4%A');
  });
});
