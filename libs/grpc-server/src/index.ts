export * from './grpc-exception.filter';
