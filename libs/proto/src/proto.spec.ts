import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('stays wire- and source-compatible with the released v1 services (buf breaking against baseline/v1.json)', () => {
    // Internal teams call billing, export and chat over gRPC with code generated from v1: a
    // change that breaks them must be a new package version (v2), not an edit of v1.
    expect(() => execFileSync(buf, ['breaking', '--against', 'baseline/v1.json'], { cwd: join(__dirname, '..'), stdio: 'pipe' })).not.toThrow();
  });

  it('catches a breaking edit: a field of a released message renumbered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proto-breaking-'));
    try {
      const root = join(__dirname, '..');
      cpSync(join(root, 'proto'), join(dir, 'proto'), { recursive: true });
      cpSync(join(root, 'buf.yaml'), join(dir, 'buf.yaml'));
      const file = join(dir, 'proto/ocr/billing/v1/billing.proto');
      writeFileSync(file, readFileSync(file, 'utf8').replace('int64 balance = 4;', 'int64 balance = 40;'));
      let stdout = '';
      try {
        execFileSync(buf, ['breaking', '--against', join(root, 'baseline/v1.json')], { cwd: dir, stdio: 'pipe' });
      } catch (e) {
        stdout = String((e as { stdout?: Buffer }).stdout ?? '');
      }
      expect(stdout).toMatch(/Account.*balance|4.*balance|balance.*4/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(Object.entries(GRPC_SERVICES))('loads the %s service at run time as the servers do', (_key, s) => {
    const def = loadSync(join(PROTO_ROOT, s.file), LOADER_OPTIONS);
    expect(def[`${s.package}.${s.service}`]).toBeDefined();
  });
});
