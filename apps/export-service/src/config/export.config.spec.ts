import { ConfigError } from '@ocr/config';
import { loadExportConfig } from './export.config';

describe(loadExportConfig.name, () => {
  it('defaults to 0.0.0.0:50052 and info logs', () => {
    expect(loadExportConfig({})).toEqual({ EXPORT_GRPC_URL: '0.0.0.0:50052', LOG_LEVEL: 'info' });
  });

  it('accepts host:port forms', () => {
    expect(loadExportConfig({ EXPORT_GRPC_URL: 'export:6000' }).EXPORT_GRPC_URL).toBe('export:6000');
    expect(loadExportConfig({ EXPORT_GRPC_URL: '[::]:50052' }).EXPORT_GRPC_URL).toBe('[::]:50052');
  });

  it('names every bad variable in one error', () => {
    expect(() => loadExportConfig({ EXPORT_GRPC_URL: 'http://x', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    const error = (() => {
      try {
        loadExportConfig({ EXPORT_GRPC_URL: 'host:99999', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.map((p) => p.variable)).toEqual(['EXPORT_GRPC_URL', 'LOG_LEVEL']);
  });
});
