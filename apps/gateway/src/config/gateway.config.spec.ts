import { ConfigError } from '@ocr/config';
import { loadGatewayConfig } from './gateway.config';

function configError(source: Record<string, string>): ConfigError {
  try {
    loadGatewayConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, got a config');
}

describe(loadGatewayConfig.name, () => {
  it('names every bad variable in one error', () => {
    const e = configError({ PORT: 'abc', DATABASE_URL: 'nope' });
    expect(e.problems.map((p) => p.variable)).toEqual(['PORT', 'DATABASE_URL']);
    expect(e.message).toMatch(/^Invalid configuration \(2 problems\): /);
    expect(e.message).toContain('PORT: must be a TCP port');
    expect(e.message).toContain('"abc"');
    expect(e.message).toContain('DATABASE_URL: must be a URL with scheme postgres:// or postgresql://');
  });

  it('never echoes a database URL, which may carry a password', () => {
    const e = configError({ DATABASE_URL: 'mysql://root:s3cret@db/ocr' });
    expect(e.message).toContain('DATABASE_URL');
    expect(e.message).not.toContain('s3cret');
  });

  it('requires DATABASE_URL', () => {
    expect(configError({}).problems).toEqual([{ variable: 'DATABASE_URL', problem: expect.stringContaining('required') }]);
  });

  it('yields typed values and the documented defaults', () => {
    const config = loadGatewayConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/ocr', PORT: '9000', INLINE_TIMEOUT: '30s', VLM_ENABLED: 'yes', MAX_UPLOAD_BYTES: '10mb' });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@127.0.0.1:5432/ocr',
      natsUrl: 'nats://127.0.0.1:4222',
      inlineMaxPages: 5,
      inlineTimeoutMs: 30_000,
      maxUploadBytes: 10 * 1024 * 1024,
      vlmEnabled: true,
      resultRetentionMs: 24 * 3600_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });
});
