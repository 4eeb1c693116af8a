/** What the bus logs through; pass the app's logger (pino, Nest) or use `jsonLineLogger`. */
export interface BusLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Structured JSON lines: info to stdout, warnings and errors to stderr. */
export function jsonLineLogger(name: string): BusLogger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    `${JSON.stringify({ level, time: new Date().toISOString(), name, msg: message, ...fields })}\n`;
  return {
    info: (m, f) => process.stdout.write(line('info', m, f)),
    warn: (m, f) => process.stderr.write(line('warn', m, f)),
    error: (m, f) => process.stderr.write(line('error', m, f)),
  };
}
