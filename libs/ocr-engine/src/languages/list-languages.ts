import { listInstalledModels, type TesseractCliOptions } from '../tesseract/tesseract.cli';
import { listLanguagesFrom, type LanguageListItem } from './language.registry';

/** `GET /api/v1/languages/`: every supported language, `installed` checked with `tesseract --list-langs` (cached). */
export async function listLanguages(options: TesseractCliOptions = {}): Promise<LanguageListItem[]> {
  const installed = await listInstalledModels(options).catch(() => new Set<string>());
  return listLanguagesFrom(installed);
}
