import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { exportV1 } from '@ocr/proto';
import { Observable } from 'rxjs';
import { ExportService, Pace } from './export.service';

/** What the controller needs of the gRPC call it answers: its writable side's backpressure. */
export interface WritableCall {
  readonly writableNeedDrain: boolean;
  readonly cancelled?: boolean;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close' | 'error' | 'cancelled', listener: () => void): unknown;
  off(event: 'drain' | 'close' | 'error' | 'cancelled', listener: () => void): unknown;
}

/** Waits for the call's `drain` when its buffer is full (or until it is cancelled or closed). */
export function paceByDrain(call: WritableCall): Pace {
  return () => {
    if (!call.writableNeedDrain || call.cancelled || call.destroyed) return;
    return new Promise<void>((resolve) => {
      const events = ['drain', 'close', 'error', 'cancelled'] as const;
      const done = () => {
        for (const e of events) call.off(e, done);
        resolve();
      };
      for (const e of events) call.once(e, done);
    });
  };
}

@Controller()
@exportV1.ExportServiceControllerMethods()
export class ExportController implements exportV1.ExportServiceController {
  constructor(private readonly service: ExportService) {}

  renderDocument(request: exportV1.RenderDocumentRequest, _metadata?: Metadata, call?: WritableCall): Observable<exportV1.RenderDocumentResponse> {
    return this.service.render(request, call && typeof call.once === 'function' ? paceByDrain(call) : undefined);
  }
}
