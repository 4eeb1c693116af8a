import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { WorkerState } from '../worker.state';

/** Liveness: the process answers. Readiness: the engine is loaded and NATS and storage answer. */
@Controller('health')
export class HealthController {
  constructor(private readonly state: WorkerState) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const report = await this.state.readiness();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
