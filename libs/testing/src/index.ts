export * from './ports';
export * from './postgres';
export * from './nats';
export * from './s3';
