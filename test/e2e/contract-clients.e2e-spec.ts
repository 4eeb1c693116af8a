import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startPlatform, StartedPlatform } from './platform';

const run = promisify(execFile);
const seed = readFileSync(join(__dirname, 'fixtures', 'seed-examples.md'), 'utf8');

/**
 * The documents the product page's own clients are run on: a committed Tesseract test page
 * (Apache-2.0), and, where the evaluation set is beside the project (CI, developers), a real
 * SROIE receipt read from it (research-only licence: never committed). Each with words that
 * stand on it.
 */
const DOCUMENTS: { name: string; path: string; words: string[] }[] = [
  { name: 'phototest', path: join(ROOT, 'libs/ocr-engine/test/fixtures/phototest.tif'), words: ['quick', 'brown', 'lazy', 'fox'] },
];
const receipt = join(ROOT, '..', 'shared', 'eval', 'dev', 'dev-A-sroie-000', '000.jpg');
if (existsSync(receipt)) DOCUMENTS.push({ name: 'sroie-000 receipt', path: receipt, words: ['JOHOR', 'CASH', 'TOTAL'] });

/** One example of the product page, with only the base URL, token and file put in. */
function example(lang: 'python' | 'node' | 'curl', p: StartedPlatform, file: string): string {
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(seed);
  if (!block) throw new Error(`no ${lang} example in the seed`);
  return block[1]!
    .replaceAll('https://ocr.chat', p.url)
    .replaceAll('YOUR_API_TOKEN', p.token)
    .replaceAll('invoice.pdf', file)
    // No vlm pool runs here: the contract answers tier=vlm with 503 rather than falling back silently.
    .replaceAll('"vlm"', '"cpu"')
    .replaceAll('tier=vlm', 'tier=cpu');
}

function pythonWithRequests(): string {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import requests'], { stdio: 'ignore' });
      return py;
    } catch {
      /* try the next one */
    }
  }
  throw new Error('no python3 with the requests package (scripts/setup.sh installs python3-requests)');
}

describe('the contract clients of the product page', () => {
  let platform: StartedPlatform;
  let work: string;

  beforeAll(async () => {
    platform = await startPlatform();
    work = mkdtempSync(join(tmpdir(), 'ocr-e2e-clients-'));
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
  });

  describe.each(DOCUMENTS)('on $name', ({ path, words }) => {
    it('Python requests: submits, polls, prints the markdown and downloads a docx', async () => {
      const script = join(work, 'client.py');
      writeFileSync(script, example('python', platform, path));
      const { stdout } = await run(pythonWithRequests(), [script], { cwd: work, timeout: 120_000 });
      for (const w of words) expect(stdout.toLowerCase()).toContain(w.toLowerCase());
      expect(readFileSync(join(work, 'result.docx')).subarray(0, 2).toString()).toBe('PK');
    }, 150_000);

    it('Node fetch: submits, polls and prints the markdown', async () => {
      const script = join(work, 'client.mjs');
      writeFileSync(script, example('node', platform, path));
      const { stdout } = await run(process.execPath, [script], { cwd: work, timeout: 120_000 });
      for (const w of words) expect(stdout.toLowerCase()).toContain(w.toLowerCase());
    }, 150_000);

    it('curl: submit, poll by uuid, download markdown', async () => {
      // The three steps of the page's curl example, each without its '# N. …' heading line.
      const [submit, poll, download] = example('curl', platform, path)
        .split(/^# /m)
        .filter((s) => s.trim())
        .map((s) => s.slice(s.indexOf('\n') + 1));
      const { stdout: jobJson } = await run('bash', ['-c', submit!], { cwd: work, timeout: 120_000 });
      const job = JSON.parse(jobJson) as { uuid: string; status: string; text: string };
      expect(job.status).toBe('done');
      for (const w of words) expect(job.text.toLowerCase()).toContain(w.toLowerCase());

      const { stdout: again } = await run('bash', ['-c', poll!.replaceAll('UUID', job.uuid)], { cwd: work });
      expect(JSON.parse(again)).toMatchObject({ uuid: job.uuid, status: 'done', text: job.text });

      await run('bash', ['-c', download!.replaceAll('UUID', job.uuid)], { cwd: work });
      const md = readFileSync(join(work, 'result.md'), 'utf8').toLowerCase();
      for (const w of words) expect(md).toContain(w.toLowerCase());
    }, 150_000);
  });
});
