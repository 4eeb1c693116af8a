import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard';
import { CurrentCaller } from '../auth/caller.decorator';
import type { Caller } from '../billing/billing.repository';
import { JobIdPipe } from '../common/job-id.pipe';
import { AskDto, AskResponseDto, HistoryResponseDto } from './chat.dto';
import { ChatService } from './chat.service';

@Controller('api/v1/chat')
@UseGuards(AuthGuard)
export class ChatController {
  constructor(private readonly service: ChatService) {}

  @Post(':uuid')
  @HttpCode(200)
  ask(@Param('uuid', JobIdPipe) uuid: string, @Body() body: AskDto, @CurrentCaller() caller: Caller): Promise<AskResponseDto> {
    return this.service.ask(uuid, body, caller);
  }

  @Get(':uuid/history')
  history(@Param('uuid', JobIdPipe) uuid: string, @CurrentCaller() caller: Caller): Promise<HistoryResponseDto> {
    return this.service.history(uuid, caller);
  }
}
