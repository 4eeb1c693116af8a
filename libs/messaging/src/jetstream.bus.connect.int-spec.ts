import { spawnNats, SpawnedNats } from '@ocr/testing';
import { JetStreamBus } from './jetstream.bus';

describe(`${JetStreamBus.name}.connect`, () => {
  let nats: SpawnedNats;

  beforeAll(async () => {
    nats = await spawnNats();
    await nats.kill();
  });

  afterAll(async () => {
    await nats.stop();
  });

  it('waits for a server that is not up yet instead of failing the boot', async () => {
    const connecting = JetStreamBus.connect({ servers: nats.url, name: 'late-server-test', connectDeadlineMs: 20_000 });
    await new Promise((r) => setTimeout(r, 1_500));
    await nats.start();
    const sut = await connecting;
    await expect(sut.ping()).resolves.toBeUndefined();
    await sut.close();
  });

  it('gives up after its deadline with the connection error', async () => {
    await nats.kill();
    await expect(JetStreamBus.connect({ servers: nats.url, name: 'no-server-test', connectDeadlineMs: 1_000 })).rejects.toThrow();
  });
});
