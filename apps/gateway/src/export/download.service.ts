import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Caller } from '../billing/billing.repository';
import { DomainError } from '../common/domain-error';
import { JobService } from '../jobs/job.service';
import { EXPORT_FORMATS, ExportFormatName, ExportRepository } from './export.repository';

/** `GET /api/v1/ocr/<uuid>/download/?format=…`: the caller's finished job, rendered by the export service. */
@Injectable()
export class DownloadService {
  constructor(
    private readonly jobs: JobService,
    private readonly exporter: ExportRepository,
  ) {}

  async download(uuid: string, format: unknown, caller: Caller, res: Response): Promise<void> {
    const name = parseFormat(format);
    const job = await this.jobs.get(uuid, caller);
    if (job.status !== 'done') {
      throw new DomainError('not_ready', `The job is ${job.status}; downloads are available once it is done.`);
    }
    const file = await this.exporter.render(job, name);
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName.replace(/["\\\r\n]/g, '_')}"`);
    try {
      for await (const chunk of file.chunks) {
        if (res.destroyed) break;
        if (!res.write(chunk)) await new Promise((r) => (res.once('drain', r), res.once('close', r)));
      }
    } catch (error) {
      // The status line is gone already: cut the response off, so the client sees a failed
      // download (no final chunk) rather than a short file that looks whole.
      res.destroy(error as Error);
      return;
    }
    res.end();
  }
}

function parseFormat(format: unknown): ExportFormatName {
  if (format === undefined) return 'txt';
  if (typeof format !== 'string' || !(format in EXPORT_FORMATS)) {
    throw new DomainError('bad_parameter', `Unknown format. Use one of: ${Object.keys(EXPORT_FORMATS).join(', ')}.`);
  }
  return format as ExportFormatName;
}
