export * from './subjects';
export * from './messages';
export * from './messaging.errors';
export * from './trace-context';
export * from './bus.logger';
export type { ConsumerHandle, Delivery, HandlerOptions, MessageContext, MessageHandler } from './consumer.runner';
export { defaultNakDelay } from './consumer.runner';
export * from './jetstream.bus';
