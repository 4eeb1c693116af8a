import { Controller, Get } from '@nestjs/common';
import { EngineLanguageCatalog } from './language.catalog';

@Controller('api/v1/languages')
export class LanguageController {
  constructor(private readonly catalog: EngineLanguageCatalog) {}

  @Get()
  async list(): Promise<{ languages: unknown[] }> {
    return { languages: await this.catalog.list() };
  }
}
