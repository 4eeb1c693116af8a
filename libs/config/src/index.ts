export * from './config.error';
export * from './load-config';
export * from './env.schemas';
export * from './boot';
export { parseBoolean, parseBytes, parseDuration } from './units';
