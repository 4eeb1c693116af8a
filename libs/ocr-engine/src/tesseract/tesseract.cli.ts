import { spawn } from 'node:child_process';
import { TesseractError } from './tesseract.errors';

/** How to run the `tesseract` binary: the one place that does I/O for the Tesseract engine. */
export interface TesseractCliOptions {
  /** Path or name of the binary; default `tesseract` (Debian's `tesseract-ocr`). */
  readonly binary?: string;
  /** Kill the process after this long; default 60 s. */
  readonly timeoutMs?: number;
  /** Kill the process once stdout grows past this; default 32 MiB. */
  readonly maxOutputBytes?: number;
  /** Extra environment (TESSDATA_PREFIX, …); OMP_THREAD_LIMIT is always 1: the worker parallelizes pages. */
  readonly env?: Readonly<Record<string, string>>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

export interface TesseractRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Run `tesseract <args>` with `input` on stdin. Resolves with the exit code (callers decide what a
 * non-zero code means); rejects with `timeout`, `output_too_large` or `engine_unavailable`.
 */
export function runTesseract(args: readonly string[], input: Buffer | undefined, options: TesseractCliOptions = {}): Promise<TesseractRun> {
  const binary = options.binary ?? 'tesseract';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise<TesseractRun>((resolve, reject) => {
    const child = spawn(binary, args, {
      env: { ...process.env, ...options.env, OMP_THREAD_LIMIT: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let failure: TesseractError | undefined;
    const fail = (error: TesseractError) => {
      if (failure) return;
      failure = error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => fail(new TesseractError('timeout', `tesseract took longer than ${timeoutMs} ms and was stopped`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutputBytes) {
        fail(new TesseractError('output_too_large', `tesseract wrote more than ${maxOutputBytes} bytes and was stopped`));
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < MAX_STDERR_BYTES) err.push(chunk);
      errBytes += chunk.length;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const message =
        error.code === 'ENOENT'
          ? `the tesseract binary "${binary}" was not found: install Debian's tesseract-ocr package`
          : `could not start tesseract: ${error.message}`;
      reject(new TesseractError('engine_unavailable', message, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: code ?? (signal ? 128 : 1),
      });
    });
    // Tesseract may exit before reading all of stdin (bad image, killed): that EPIPE is not our error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

const installedModels = new Map<string, Promise<ReadonlySet<string>>>();

/** Traineddata names `tesseract --list-langs` reports (asked once per binary and tessdata folder, then cached). */
export function listInstalledModels(options: TesseractCliOptions = {}): Promise<ReadonlySet<string>> {
  const key = `${options.binary ?? 'tesseract'}\0${options.env?.TESSDATA_PREFIX ?? process.env.TESSDATA_PREFIX ?? ''}`;
  let models = installedModels.get(key);
  if (!models) {
    models = runTesseract(['--list-langs'], undefined, { ...options, timeoutMs: 10_000 })
      .then((run) => {
        if (run.exitCode !== 0) {
          throw new TesseractError('engine_unavailable', `tesseract --list-langs failed: ${run.stderr.trim()}`);
        }
        return parseListLangs(run.stdout);
      })
      .catch((error: unknown) => {
        installedModels.delete(key); // a later call may succeed (e.g. after apt-get install)
        throw error;
      });
    installedModels.set(key, models);
  }
  return models;
}

/** `List of available languages in "…" (3):\nara\neng\nosd` → {ara, eng, osd}; script models may read `script/Latin`. */
export function parseListLangs(stdout: string): ReadonlySet<string> {
  const names = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('List of available languages'))
    .map((line) => line.replace(/^script\//, ''));
  return new Set(names);
}
