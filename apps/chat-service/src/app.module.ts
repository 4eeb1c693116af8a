import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { ANSWERER, Answerer, ExtractiveAnswerer } from './chat/answerer';
import { ChatCompletionsClient } from './chat/chat-completions.client';
import { ChatController } from './chat/chat.controller';
import { ChatRepository } from './chat/chat.repository';
import { LlmAnswerer } from './chat/llm.answerer';
import { CHAT_OPTIONS, ChatService } from './chat/chat.service';
import type { ChatConfig } from './config/chat.config';
import { GrpcExceptionFilter } from './errors/grpc-exception.filter';

/** The extractive answerer, or the OpenAI-compatible one (falling back to it) when an endpoint is configured. */
export function answererFor(config: ChatConfig, logger: PinoLogger): Answerer {
  const extractive = new ExtractiveAnswerer();
  if (config.CHAT_LLM_URL === undefined || config.CHAT_LLM_MODEL === undefined) return extractive;
  logger.setContext('LlmAnswerer');
  const client = new ChatCompletionsClient({ baseUrl: config.CHAT_LLM_URL, model: config.CHAT_LLM_MODEL, apiKey: config.CHAT_LLM_API_KEY });
  return new LlmAnswerer(client, extractive, logger, { timeoutMs: config.CHAT_LLM_TIMEOUT });
}

@Module({})
export class AppModule {
  static forRoot(config: ChatConfig, db: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { level: config.LOG_LEVEL, base: { service: 'chat-service' } } })],
      controllers: [ChatController],
      providers: [
        { provide: DataSource, useValue: db },
        { provide: CHAT_OPTIONS, useValue: { maxMessageChars: config.CHAT_MAX_MESSAGE_CHARS } },
        { provide: ChatRepository, useFactory: (ds: DataSource) => new ChatRepository(ds), inject: [DataSource] },
        { provide: ANSWERER, useFactory: (logger: PinoLogger) => answererFor(config, logger), inject: [PinoLogger] },
        ChatService,
        { provide: APP_FILTER, useFactory: (logger: PinoLogger) => new GrpcExceptionFilter(logger), inject: [PinoLogger] },
      ],
    };
  }
}
