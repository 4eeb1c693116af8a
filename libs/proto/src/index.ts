export * as billingV1 from './gen/ocr/billing/v1/billing';
export * as exportV1 from './gen/ocr/export/v1/export';
export * as chatV1 from './gen/ocr/chat/v1/chat';
export * from './grpc';
