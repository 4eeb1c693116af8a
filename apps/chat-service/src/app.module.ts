import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { ChatController } from './chat/chat.controller';
import { ChatRepository } from './chat/chat.repository';
import { CHAT_OPTIONS, ChatService } from './chat/chat.service';
import type { ChatConfig } from './config/chat.config';
import { GrpcExceptionFilter } from './errors/grpc-exception.filter';

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
        ChatService,
        { provide: APP_FILTER, useFactory: (logger: PinoLogger) => new GrpcExceptionFilter(logger), inject: [PinoLogger] },
      ],
    };
  }
}
