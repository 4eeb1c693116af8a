import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const MAIN = resolve(__dirname, '../dist/main.js');

/**
 * The built gateway, started as an operator starts it, with a bad environment: it must stop at
 * once with exit code 1 and one JSON line on stderr naming every bad variable. This spec builds
 * nothing (the test command builds first); without a build it fails and says what to run.
 */
describe('gateway boot with a bad environment', () => {
  it('exits 1 with one JSON line on stderr naming PORT and DATABASE_URL', () => {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: build the gateway first (pnpm --filter @ocr/gateway build).`);
    }
    const run = spawnSync(process.execPath, [MAIN], {
      cwd: resolve(__dirname, '..'),
      env: { PATH: process.env.PATH ?? '', PORT: 'abc', DATABASE_URL: 'nope' },
      encoding: 'utf8',
      timeout: 30_000,
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(1);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'fatal', service: 'gateway', code: 'CONFIG_INVALID' });
    expect(line.msg).toContain('PORT');
    expect(line.msg).toContain('DATABASE_URL');
    expect(line.problems.map((p: { variable: string }) => p.variable)).toEqual(['PORT', 'DATABASE_URL']);
    expect(run.stdout).toBe('');
  });
});
