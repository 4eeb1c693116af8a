import { ConfigError } from '@ocr/config';
import { loadChatConfig } from './chat.config';

describe(loadChatConfig.name, () => {
  it('needs DATABASE_URL and defaults the rest', () => {
    expect(loadChatConfig({ DATABASE_URL: 'postgres://u@h:5432/db' })).toEqual({
      CHAT_GRPC_URL: '0.0.0.0:50053',
      DATABASE_URL: 'postgres://u@h:5432/db',
      NATS_URL: 'nats://127.0.0.1:4222',
      STORAGE_URL: './.data/storage',
      CHAT_MAX_MESSAGE_CHARS: 2000,
      CHAT_INDEX_CONCURRENCY: 2,
      LOG_LEVEL: 'info',
    });
  });

  it('takes the bus namespace and the gateway’s object store', () => {
    const sut = loadChatConfig({
      DATABASE_URL: 'postgres://u@h:5432/db',
      NATS_URL: 'nats://nats:4222',
      NATS_NAMESPACE: 'e2e_run-1',
      STORAGE_URL: 's3+http://key:secret@minio:9000/ocr',
    });
    expect(sut).toMatchObject({ NATS_URL: 'nats://nats:4222', NATS_NAMESPACE: 'e2e_run-1', STORAGE_URL: 's3+http://key:secret@minio:9000/ocr' });
  });

  it('names every bad or missing variable in one error', () => {
    const error = (() => {
      try {
        loadChatConfig({
          CHAT_GRPC_URL: 'nope',
          CHAT_MAX_MESSAGE_CHARS: '0',
          NATS_URL: 'http://nats:4222',
          NATS_NAMESPACE: 'has.dots',
          STORAGE_URL: 'ftp://somewhere/x',
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'CHAT_GRPC_URL',
      'CHAT_MAX_MESSAGE_CHARS',
      'DATABASE_URL',
      'NATS_NAMESPACE',
      'NATS_URL',
      'STORAGE_URL',
    ]);
  });
});
