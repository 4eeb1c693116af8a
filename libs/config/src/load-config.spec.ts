import { z } from 'zod';
import { ConfigError, env, loadConfig } from './index';

const schema = z.object({
  PORT: env.port().default(3000),
  DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
  NATS_URL: env.url({ protocols: ['nats'] }).default('nats://127.0.0.1:4222'),
  MAX_UPLOAD: env.bytes().default(50 * 1024 * 1024),
  RESULT_RETENTION: env.duration().default(86_400_000),
  WORKERS: env.positiveInt().default(1),
  DEBUG: env.boolean().default(false),
  LOG_LEVEL: env.oneOf(['debug', 'info', 'warn', 'error']).default('info'),
  API_TOKEN: env.secret().optional(),
});

function problems(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).problems.map((p) => [p.variable, p.problem]));
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('parses a valid environment into typed values', () => {
    const sut = loadConfig(schema, {
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/ocr',
      MAX_UPLOAD: '10mb',
      RESULT_RETENTION: '24h',
      WORKERS: '4',
      DEBUG: 'yes',
      LOG_LEVEL: 'warn',
      UNRELATED: 'ignored',
    });
    expect(sut).toEqual({
      PORT: 8080,
      DATABASE_URL: 'postgres://u:p@db:5432/ocr',
      NATS_URL: 'nats://127.0.0.1:4222',
      MAX_UPLOAD: 10 * 1024 * 1024,
      RESULT_RETENTION: 24 * 3_600_000,
      WORKERS: 4,
      DEBUG: true,
      LOG_LEVEL: 'warn',
    });
  });

  it('applies defaults for unset and blank variables', () => {
    const sut = loadConfig(schema, { DATABASE_URL: 'postgresql://db/x', PORT: '', WORKERS: '   ' });
    expect(sut.PORT).toBe(3000);
    expect(sut.WORKERS).toBe(1);
    expect(sut.API_TOKEN).toBeUndefined();
  });

  it('returns a frozen object', () => {
    const sut = loadConfig(z.object({ HOSTS: env.list() }), { HOSTS: 'a, b' });
    expect(Object.isFrozen(sut)).toBe(true);
    expect(Object.isFrozen(sut.HOSTS)).toBe(true);
    expect(() => {
      (sut as { HOSTS: string[] }).HOSTS.push('c');
    }).toThrow(TypeError);
  });

  it('names every bad and missing variable in one error', () => {
    const found = problems(() =>
      loadConfig(schema, {
        PORT: '70000',
        MAX_UPLOAD: '50 potatoes',
        RESULT_RETENTION: 'forever',
        WORKERS: '0',
        DEBUG: 'maybe',
        LOG_LEVEL: 'loud',
        NATS_URL: 'http://x',
      }),
    );
    expect(found).toEqual({
      DATABASE_URL: 'is required but not set',
      PORT: 'must be a TCP port (an integer from 1 to 65535), got "70000"',
      NATS_URL: 'must be a URL with scheme nats://',
      MAX_UPLOAD: 'must be a byte size such as 50mb, 512kb or 1048576, got "50 potatoes"',
      RESULT_RETENTION: 'must be a duration such as 30s, 15m, 24h or 7d, got "forever"',
      WORKERS: 'must be a positive integer, got "0"',
      DEBUG: 'must be a boolean (true/false, 1/0, yes/no, on/off), got "maybe"',
      LOG_LEVEL: 'must be one of debug, info, warn, error, got "loud"',
    });
  });

  it('puts every problem in the single message', () => {
    try {
      loadConfig(schema, { PORT: 'abc' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^Invalid configuration \(2 problems\): /);
      expect(message).toContain('DATABASE_URL: is required but not set');
      expect(message).toContain('PORT: must be a TCP port');
    }
  });

  it('never echoes the value of a URL or a secret', () => {
    const found = problems(() =>
      loadConfig(z.object({ DATABASE_URL: env.url({ protocols: ['postgres'] }), KEY: env.secret({ minLength: 32 }) }), {
        DATABASE_URL: 'mysql://root:hunter2@db',
        KEY: 'hunter2',
      }),
    );
    expect(JSON.stringify(found)).not.toContain('hunter2');
    expect(found.KEY).toBe('must be a secret of at least 32 characters');
  });

  it('accepts host:port listen addresses and names the bad ones', () => {
    const listen = z.object({ A: env.hostPort({ example: '0.0.0.0:50051' }), B: env.hostPort({ example: '0.0.0.0:50052' }).optional() });
    expect(loadConfig(listen, { A: '0.0.0.0:50051', B: '[::]:6000' })).toEqual({ A: '0.0.0.0:50051', B: '[::]:6000' });
    expect(loadConfig(listen, { A: ' billing.internal:443 ' }).A).toBe('billing.internal:443');
    for (const bad of ['http://x:80', 'host', 'host:99999', ':50051', 'a b:1']) {
      expect(problems(() => loadConfig(listen, { A: '0.0.0.0:1', B: bad }))).toEqual({ B: 'expected host:port, e.g. 0.0.0.0:50052' });
    }
  });

  it('reads process.env when no source is given', () => {
    process.env.OCR_CONFIG_SPEC_PORT = '1234';
    try {
      expect(loadConfig(z.object({ OCR_CONFIG_SPEC_PORT: env.port() })).OCR_CONFIG_SPEC_PORT).toBe(1234);
    } finally {
      delete process.env.OCR_CONFIG_SPEC_PORT;
    }
  });
});
