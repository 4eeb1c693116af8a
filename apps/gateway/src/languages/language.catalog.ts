import { Injectable } from '@nestjs/common';
import { listLanguages, resolveLanguage } from '@ocr/ocr-engine/languages';
import { DomainError } from '../common/domain-error';
import type { LanguageCatalog } from '../jobs/job.ports';

/** The languages the engines read (the OCR engine's registry), as the gateway validates and lists them. */
@Injectable()
export class EngineLanguageCatalog implements LanguageCatalog {
  private listed: Promise<unknown[]> | undefined;

  assertKnown(code: string): void {
    if (code === 'auto') return;
    try {
      resolveLanguage(code);
    } catch {
      throw new DomainError('unknown_language', `Unknown language "${code}". GET /api/v1/languages/ lists the supported codes.`);
    }
  }

  list(): Promise<unknown[]> {
    this.listed ??= listLanguages().catch((e) => {
      this.listed = undefined;
      throw e;
    });
    return this.listed;
  }
}
