// The language registry on its own, for services that validate or list languages without
// loading the engines (the gateway): `@ocr/ocr-engine/languages`.
export * from './language.registry';
export * from './language.errors';
export * from './list-languages';
