import { Controller, Get } from '@nestjs/common';
import { ToolCatalog, ToolPreset } from './tool.catalog';

@Controller('api/v1/tools')
export class ToolController {
  constructor(private readonly tools: ToolCatalog) {}

  @Get()
  list(): { tools: readonly ToolPreset[] } {
    return { tools: this.tools.list() };
  }
}
