import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { JobDocument } from '@ocr/documents';
import { parseTraceparent, type TraceContext } from '@ocr/messaging';
import type { Request, Response } from 'express';
import { AuthGuard } from '../auth/auth.guard';
import { CurrentCaller } from '../auth/caller.decorator';
import type { Caller } from '../billing/billing.repository';
import { JobIdPipe } from '../common/job-id.pipe';
import { SubmitJobDto } from './job.dto';
import { JobService, UploadedFile as Upload } from './job.service';
import { abortSignalOf } from '../common/abort-signal';

@Controller('api/v1/ocr')
@UseGuards(AuthGuard)
export class JobController {
  constructor(private readonly service: JobService) {}

  @Post()
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  submit(
    @UploadedFile() file: Upload | undefined,
    @Body() dto: SubmitJobDto,
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
  ): Promise<JobDocument> {
    return this.service.submit(file, dto, caller, abortSignalOf(req), traceOf(req));
  }

  /** Sends the job's JSON bytes as the service made them (Express adds the length and the ETag). */
  @Get(':uuid')
  async get(@Param('uuid', JobIdPipe) uuid: string, @CurrentCaller() caller: Caller, @Res() res: Response): Promise<void> {
    res.set('Content-Type', 'application/json; charset=utf-8').send(await this.service.getJson(uuid, caller));
  }
}

/** The request's W3C trace context (`traceparent`, `tracestate` headers), when well-formed. */
function traceOf(req: Request): TraceContext | undefined {
  const traceparent = req.header('traceparent');
  if (!traceparent || !parseTraceparent(traceparent)) return undefined;
  const tracestate = req.header('tracestate');
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
