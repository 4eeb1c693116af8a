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
      CHAT_LLM_TIMEOUT: 20_000,
    });
  });

  it('takes an OpenAI-compatible chat endpoint, its model, key and time limit', () => {
    const sut = loadChatConfig({
      DATABASE_URL: 'postgres://u@h:5432/db',
      CHAT_LLM_URL: 'http://127.0.0.1:11434/v1',
      CHAT_LLM_MODEL: 'qwen2.5:7b-instruct',
      CHAT_LLM_API_KEY: 'sk-local',
      CHAT_LLM_TIMEOUT: '8s',
    });
    expect(sut).toMatchObject({ CHAT_LLM_URL: 'http://127.0.0.1:11434/v1', CHAT_LLM_MODEL: 'qwen2.5:7b-instruct', CHAT_LLM_API_KEY: 'sk-local', CHAT_LLM_TIMEOUT: 8000 });
  });

  it('stops at boot on a bad chat endpoint: not an http(s) URL, no model, a time limit past the gateway’s deadline', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadChatConfig({ DATABASE_URL: 'postgres://u@h:5432/db', ...env });
      } catch (e) {
        return (e as ConfigError).problems.map((p) => p.variable).sort();
      }
      return [];
    };
    expect(problems({ CHAT_LLM_URL: 'localhost:11434/v1', CHAT_LLM_MODEL: 'm' })).toEqual(['CHAT_LLM_URL']);
    expect(problems({ CHAT_LLM_URL: 'ftp://models/v1', CHAT_LLM_MODEL: 'm' })).toEqual(['CHAT_LLM_URL']);
    expect(problems({ CHAT_LLM_URL: 'http://127.0.0.1:8000/v1' })).toEqual(['CHAT_LLM_MODEL']);
    expect(problems({ CHAT_LLM_MODEL: 'm' })).toEqual(['CHAT_LLM_URL']);
    expect(problems({ CHAT_LLM_URL: 'http://127.0.0.1:8000/v1', CHAT_LLM_MODEL: 'm', CHAT_LLM_TIMEOUT: '1m' })).toEqual(['CHAT_LLM_TIMEOUT']);
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
          CHAT_LLM_URL: 'http://127.0.0.1:8000/v1',
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'CHAT_GRPC_URL',
      'CHAT_LLM_MODEL',
      'CHAT_MAX_MESSAGE_CHARS',
      'DATABASE_URL',
      'NATS_NAMESPACE',
      'NATS_URL',
      'STORAGE_URL',
    ]);
  });
});
