import { Controller } from '@nestjs/common';
import { chatV1 } from '@ocr/proto';
import { ChatService } from './chat.service';

@Controller()
@chatV1.ChatServiceControllerMethods()
export class ChatController implements chatV1.ChatServiceController {
  constructor(private readonly service: ChatService) {}

  ask(request: chatV1.AskRequest): Promise<chatV1.AskResponse> {
    return this.service.ask(request);
  }

  getHistory(request: chatV1.GetHistoryRequest): Promise<chatV1.GetHistoryResponse> {
    return this.service.getHistory(request);
  }

  indexJob(request: chatV1.IndexJobRequest): Promise<chatV1.IndexJobResponse> {
    return this.service.indexJob(request);
  }
}
