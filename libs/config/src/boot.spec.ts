import { z } from 'zod';
import { bootOrExit, env, loadConfig } from './index';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function harness() {
  const lines: string[] = [];
  const codes: number[] = [];
  return {
    lines,
    codes,
    options: {
      service: 'gateway',
      write: (line: string) => lines.push(line),
      exit: (code: number): never => {
        codes.push(code);
        throw new Exited(code);
      },
    },
  };
}

describe(bootOrExit.name, () => {
  it('returns what the boot function returns and writes nothing', async () => {
    const h = harness();
    await expect(bootOrExit(async () => 42, h.options)).resolves.toBe(42);
    expect(h.lines).toEqual([]);
    expect(h.codes).toEqual([]);
  });

  it('prints one JSON line naming every bad variable and exits 1', async () => {
    const h = harness();
    const schema = z.object({ PORT: env.port(), DATABASE_URL: env.url() });
    await expect(bootOrExit(() => loadConfig(schema, { PORT: 'x' }), h.options)).rejects.toBeInstanceOf(Exited);
    expect(h.codes).toEqual([1]);
    expect(h.lines).toHaveLength(1);
    expect(h.lines[0]!.endsWith('\n')).toBe(true);
    const line = JSON.parse(h.lines[0]!);
    expect(line).toMatchObject({ level: 'fatal', service: 'gateway', code: 'CONFIG_INVALID' });
    expect(line.msg).toContain('PORT: must be a TCP port');
    expect(line.msg).toContain('DATABASE_URL: is required but not set');
    expect(line.problems).toHaveLength(2);
  });

  it('reports any other boot failure the same way', async () => {
    const h = harness();
    await expect(
      bootOrExit(() => {
        throw new Error('cannot reach postgres');
      }, h.options),
    ).rejects.toBeInstanceOf(Exited);
    expect(JSON.parse(h.lines[0]!)).toMatchObject({ level: 'fatal', code: 'BOOT_FAILED', msg: 'boot failed: cannot reach postgres' });
  });
});
