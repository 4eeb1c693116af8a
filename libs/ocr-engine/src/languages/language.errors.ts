/** A language code that the registry does not know (the gateway answers 400). */
export class UnknownLanguageError extends Error {
  override readonly name = 'UnknownLanguageError';
  readonly code = 'unknown_language' as const;
  constructor(
    readonly language: string,
    message?: string,
  ) {
    super(
      message ??
      `unknown language "${language}": use a code from GET /api/v1/languages/ (ISO 639-1 such as "en", "de", "ar", ` +
        `"ch" for Chinese + English, several joined by "+", or "auto")`,
    );
  }
}
