import { Controller } from '@nestjs/common';
import { exportV1 } from '@ocr/proto';
import { Observable } from 'rxjs';
import { ExportService } from './export.service';

@Controller()
@exportV1.ExportServiceControllerMethods()
export class ExportController implements exportV1.ExportServiceController {
  constructor(private readonly service: ExportService) {}

  renderDocument(request: exportV1.RenderDocumentRequest): Observable<exportV1.RenderDocumentResponse> {
    return this.service.render(request);
  }
}
