import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalDiskObjectStore } from './local-disk.object-store';
import { createObjectStore, describeObjectStore, InvalidObjectStoreUrlError, parseObjectStoreUrl } from './object-store.factory';

describe(parseObjectStoreUrl.name, () => {
  it('reads a file URL and a plain path as local disk', () => {
    expect(parseObjectStoreUrl('file:///var/lib/ocr/objects')).toEqual({ driver: 'local', rootDir: '/var/lib/ocr/objects' });
    expect(parseObjectStoreUrl('./data/objects')).toEqual({ driver: 'local', rootDir: resolve('data/objects') });
    expect(parseObjectStoreUrl('/srv/objects')).toEqual({ driver: 'local', rootDir: '/srv/objects' });
  });

  it('reads an s3 URL with everything in it', () => {
    expect(parseObjectStoreUrl('s3://AKIA%2Fx:s3cr%40t@minio.internal:9000/uploads?region=eu-west-1&pathStyle=false&partSize=16mb')).toEqual({
      driver: 's3',
      endPoint: 'minio.internal',
      port: 9000,
      useSSL: true,
      region: 'eu-west-1',
      bucket: 'uploads',
      accessKey: 'AKIA/x',
      secretKey: 's3cr@t',
      pathStyle: false,
      partSize: 16 * 1024 * 1024,
    });
  });

  it('defaults an s3+http URL to port 80, path style and us-east-1', () => {
    expect(parseObjectStoreUrl('s3+http://k:s@minio/b')).toMatchObject({ port: 80, useSSL: false, pathStyle: true, region: 'us-east-1', bucket: 'b' });
    expect(parseObjectStoreUrl('s3://k:s@s3.amazonaws.com/b')).toMatchObject({ port: 443, useSSL: true });
  });

  it.each([
    ['', /empty/],
    ['ftp://host/x', /unsupported scheme ftp:/],
    ['s3://minio:9000/bucket', /access key and secret/],
    ['s3://k:s@minio:9000', /one bucket name/],
    ['s3://k:s@minio:9000/a/b', /one bucket name/],
    ['s3://k:s@minio/b?pathStyle=yes', /pathStyle must be true or false/],
    ['s3://k:s@minio/b?partSize=1mb', /partSize must be at least 5mb/],
  ])('refuses %j with a clear message', (url, message) => {
    expect(() => parseObjectStoreUrl(url)).toThrow(InvalidObjectStoreUrlError);
    expect(() => parseObjectStoreUrl(url)).toThrow(message);
  });

  it('never puts the secret in a description', () => {
    const config = parseObjectStoreUrl('s3://key:topsecret@minio:9000/b');
    expect(describeObjectStore(config)).toBe('S3 bucket b at https://minio:9000');
  });
});

describe(createObjectStore.name, () => {
  it('creates the local folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocr-factory-'));
    try {
      const sut = await createObjectStore(`file://${dir}/store`);
      expect(sut).toBeInstanceOf(LocalDiskObjectStore);
      expect(statSync(join(dir, 'store', 'objects')).isDirectory()).toBe(true);
      await expect(sut.ping()).resolves.toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
