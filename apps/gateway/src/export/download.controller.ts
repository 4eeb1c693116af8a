import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AuthGuard } from '../auth/auth.guard';
import { CurrentCaller } from '../auth/caller.decorator';
import type { Caller } from '../billing/billing.repository';
import { JobIdPipe } from '../common/job-id.pipe';
import { DownloadService } from './download.service';

@Controller('api/v1/ocr/:uuid/download')
@UseGuards(AuthGuard)
export class DownloadController {
  constructor(private readonly service: DownloadService) {}

  @Get()
  download(
    @Param('uuid', JobIdPipe) uuid: string,
    @Query('format') format: unknown,
    @CurrentCaller() caller: Caller,
    @Res() res: Response,
  ): Promise<void> {
    return this.service.download(uuid, format, caller, res);
  }
}
