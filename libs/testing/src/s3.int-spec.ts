import { Client } from 'minio';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseS3EndpointUrl, S3Server, startS3Server } from './s3';

describe(startS3Server.name, () => {
  let sut: S3Server;

  beforeAll(async () => {
    sut = await startS3Server();
  });
  afterAll(() => sut.stop());

  function client(partSize?: number): Client {
    return new Client({ endPoint: sut.endPoint, port: sut.port, useSSL: false, accessKey: sut.accessKey, secretKey: sut.secretKey, pathStyle: true, ...(partSize ? { partSize } : {}) });
  }

  it('serves the S3 protocol to the minio client', async () => {
    const s3 = client();
    await s3.makeBucket('small', sut.region);
    await s3.putObject('small', 'hello.txt', Buffer.from('hello'));
    const chunks: Buffer[] = [];
    for await (const c of await s3.getObject('small', 'hello.txt')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
  });

  it('takes a multipart upload of more than 5 MB from minio-js', async () => {
    const s3 = client(5 * 1024 * 1024);
    await s3.makeBucket('large', sut.region);
    const data = randomBytes(12 * 1024 * 1024);
    await s3.putObject('large', 'twelve.bin', data, data.length);
    // minio-js asks for uploads to resume (the call s3rver lacks), initiates, sends parts, completes.
    expect(sut.requests).toContainEqual(expect.stringMatching(/^GET \/large\?(.*&)?uploads/));
    expect(sut.requests).toContainEqual(expect.stringMatching(/^POST \/large\/twelve\.bin\?uploads$/));
    expect(sut.requests).toContainEqual(expect.stringMatching(/^PUT \/large\/twelve\.bin\?(.*&)?partNumber=\d/));
    expect(sut.requests).toContainEqual(expect.stringMatching(/^POST \/large\/twelve\.bin\?uploadId=/));
    const chunks: Buffer[] = [];
    for await (const c of await s3.getObject('large', 'twelve.bin')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect((await s3.statObject('large', 'twelve.bin')).size).toBe(data.length);
  });

  it('removes its directory on stop', async () => {
    const other = await startS3Server();
    expect(existsSync(other.directory)).toBe(true);
    await other.stop();
    expect(existsSync(other.directory)).toBe(false);
  });
});

describe(parseS3EndpointUrl.name, () => {
  it('reads endpoint, credentials and region from TEST_S3_URL', () => {
    expect(parseS3EndpointUrl('https://min%2Fio:se%40cret@s3.local:9443?region=eu-central-1')).toEqual({
      url: 'https://min%2Fio:se%40cret@s3.local:9443',
      endPoint: 's3.local',
      port: 9443,
      useSSL: true,
      accessKey: 'min/io',
      secretKey: 'se@cret',
      region: 'eu-central-1',
    });
  });

  it('refuses another scheme', () => {
    expect(() => parseS3EndpointUrl('s3://a:b@host')).toThrow(/TEST_S3_URL must be http/);
  });
});
