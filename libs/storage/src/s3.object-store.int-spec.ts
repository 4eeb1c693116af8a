import { s3Endpoint, stopSharedS3, uniqueSuffix } from '@ocr/testing';
import { describeObjectStoreBehaviour } from '../test/object-store.behaviour';
import { createObjectStore } from './object-store.factory';
import { ObjectStoreError } from './object-store';
import { S3ObjectStore } from './s3.object-store';

/** A bucket name of our own on the test endpoint (TEST_S3_URL or an in-process s3rver). */
async function bucketUrl(label: string): Promise<{ url: string; bucket: string }> {
  const endpoint = await s3Endpoint();
  const bucket = `ocr-${label}-${uniqueSuffix()}`.toLowerCase();
  const scheme = endpoint.useSSL ? 's3' : 's3+http';
  const auth = `${encodeURIComponent(endpoint.accessKey)}:${encodeURIComponent(endpoint.secretKey)}`;
  return { bucket, url: `${scheme}://${auth}@${endpoint.endPoint}:${endpoint.port}/${bucket}?region=${endpoint.region}&partSize=5mb` };
}

async function emptyAndForget(store: S3ObjectStore | unknown): Promise<void> {
  const s3 = store as S3ObjectStore;
  const all = await s3.list();
  for (const object of all) await s3.delete(object.key);
}

afterAll(() => stopSharedS3());

describeObjectStoreBehaviour('S3ObjectStore', async () => {
  const { url } = await bucketUrl('behaviour');
  const store = await createObjectStore(url);
  return { store, cleanup: () => emptyAndForget(store) };
});

describe(S3ObjectStore.name, () => {
  it('creates its bucket when missing, and again is a no-op', async () => {
    const { url, bucket } = await bucketUrl('create');
    const sut = await createObjectStore(url);
    expect(sut).toBeInstanceOf(S3ObjectStore);
    expect((sut as S3ObjectStore).bucket).toBe(bucket);
    await expect(sut.ping()).resolves.toBeUndefined();
    await expect((sut as S3ObjectStore).ensureBucket()).resolves.toBeUndefined();
    await sut.put('k', Buffer.from('v'));
    const again = await createObjectStore(url);
    expect((await again.get('k')).toString()).toBe('v');
    await emptyAndForget(sut);
  });

  it('fails ping with the reason when its bucket does not exist', async () => {
    const endpoint = await s3Endpoint();
    const sut = new S3ObjectStore({ ...endpoint, bucket: `ocr-absent-${uniqueSuffix()}` });
    await expect(sut.ping()).rejects.toThrow(/does not exist/);
  });

  it('fails ping when the endpoint is unreachable', async () => {
    const sut = new S3ObjectStore({ endPoint: '127.0.0.1', port: 1, useSSL: false, bucket: 'b', accessKey: 'a', secretKey: 'b' });
    await expect(sut.ping()).rejects.toBeInstanceOf(ObjectStoreError);
  });
});
