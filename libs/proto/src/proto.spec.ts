import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { GRPC_SERVICES } from './grpc';
import { loadSync } from '@grpc/proto-loader';
import { LOADER_OPTIONS, PROTO_ROOT } from './grpc';

const buf = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'buf');

describe('proto module', () => {
  it('passes buf lint (STANDARD)', () => {
    // Throws with buf's findings on stderr when any rule is broken.
    expect(() => execFileSync(buf, ['lint'], { cwd: join(__dirname, '..'), stdio: 'pipe' })).not.toThrow();
  });

  it.each(Object.entries(GRPC_SERVICES))('loads the %s service at run time as the servers do', (_key, s) => {
    const def = loadSync(join(PROTO_ROOT, s.file), LOADER_OPTIONS);
    expect(def[`${s.package}.${s.service}`]).toBeDefined();
  });
});
