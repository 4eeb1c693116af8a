import 'reflect-metadata';
import { bootOrExit } from '@ocr/config';
import { startChatApp } from './chat.app';
import { loadChatConfig } from './config/chat.config';

void bootOrExit(async () => {
  const chat = await startChatApp(loadChatConfig());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void chat.close().finally(() => process.exit(0)));
  }
}, { service: 'chat-service' });
