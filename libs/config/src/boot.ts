import { ConfigError } from './config.error';

export interface BootOptions {
  /** Where the fatal log line goes; defaults to process.stderr. */
  write?: (line: string) => void;
  /** How the process ends; defaults to process.exit. */
  exit?: (code: number) => never | void;
  /** Service name written in the log line. */
  service?: string;
}

/**
 * Runs the boot function; if it throws (a `ConfigError` above all), prints one JSON log line to
 * stderr and exits with status 1, so a misconfigured service stops at once with one clear message.
 *
 *   void bootOrExit(async () => { const config = loadConfig(schema); await startApp(config); });
 */
export async function bootOrExit<T>(fn: () => T | Promise<T>, options: BootOptions = {}): Promise<T> {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  try {
    return await fn();
  } catch (error) {
    write(`${JSON.stringify(fatalLine(error, options.service))}\n`);
    exit(1);
    // Only reached when `exit` is a test double that returns.
    throw error;
  }
}

function fatalLine(error: unknown, service: string | undefined): Record<string, unknown> {
  const base = { level: 'fatal', time: new Date().toISOString(), ...(service ? { service } : {}) };
  if (error instanceof ConfigError) {
    return { ...base, msg: error.message, code: error.code, problems: error.problems };
  }
  if (error instanceof Error) {
    return { ...base, msg: `boot failed: ${error.message}`, code: 'BOOT_FAILED', error: error.name, stack: error.stack };
  }
  return { ...base, msg: `boot failed: ${String(error)}`, code: 'BOOT_FAILED' };
}
