export * from './object-store';
export * from './local-disk.object-store';
export * from './s3.object-store';
export * from './object-store.factory';
