import { ConfigError } from '@ocr/config';
import { loadChatConfig } from './chat.config';

describe(loadChatConfig.name, () => {
  it('needs DATABASE_URL and defaults the rest', () => {
    expect(loadChatConfig({ DATABASE_URL: 'postgres://u@h:5432/db' })).toEqual({
      CHAT_GRPC_URL: '0.0.0.0:50053',
      DATABASE_URL: 'postgres://u@h:5432/db',
      CHAT_MAX_MESSAGE_CHARS: 2000,
      LOG_LEVEL: 'info',
    });
  });

  it('names every bad or missing variable in one error', () => {
    const error = (() => {
      try {
        loadChatConfig({ CHAT_GRPC_URL: 'nope', CHAT_MAX_MESSAGE_CHARS: '0' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['CHAT_GRPC_URL', 'CHAT_MAX_MESSAGE_CHARS', 'DATABASE_URL']);
  });
});
