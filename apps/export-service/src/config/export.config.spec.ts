import { ConfigError } from '@ocr/config';
import { loadExportConfig } from './export.config';

describe(loadExportConfig.name, () => {
  it('defaults to 0.0.0.0:50052, the local storage folder and info logs', () => {
    expect(loadExportConfig({})).toEqual({ EXPORT_GRPC_URL: '0.0.0.0:50052', STORAGE_URL: './.data/storage', LOG_LEVEL: 'info' });
  });

  it('accepts the storage URLs the object store accepts', () => {
    expect(loadExportConfig({ STORAGE_URL: 's3+http://key:secret@minio:9000/ocr' }).STORAGE_URL).toBe('s3+http://key:secret@minio:9000/ocr');
    expect(loadExportConfig({ STORAGE_URL: 'file:///var/lib/ocr' }).STORAGE_URL).toBe('file:///var/lib/ocr');
  });

  it('accepts host:port forms', () => {
    expect(loadExportConfig({ EXPORT_GRPC_URL: 'export:6000' }).EXPORT_GRPC_URL).toBe('export:6000');
    expect(loadExportConfig({ EXPORT_GRPC_URL: '[::]:50052' }).EXPORT_GRPC_URL).toBe('[::]:50052');
  });

  it('names every bad variable in one error', () => {
    expect(() => loadExportConfig({ EXPORT_GRPC_URL: 'http://x', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    const error = (() => {
      try {
        loadExportConfig({ EXPORT_GRPC_URL: 'host:99999', STORAGE_URL: 'ftp://files/x', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.map((p) => p.variable)).toEqual(['EXPORT_GRPC_URL', 'STORAGE_URL', 'LOG_LEVEL']);
  });
});
