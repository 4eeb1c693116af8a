import { z } from 'zod';
import { ConfigError, ConfigProblem } from './config.error';

export type EnvSource = Record<string, string | undefined>;

/** Deeply frozen: a loaded config cannot be changed by anyone after boot. */
export type FrozenConfig<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: FrozenConfig<T[K]> }
    : T;

/**
 * Validates the environment once, at boot, into one typed, frozen object.
 *
 * `schema` is a zod object whose keys are the variable names (use the `env.*` helpers for the
 * values). Variables set to an empty (or blank) string count as unset, so `PORT=` in a .env file
 * falls back to the default instead of failing. Unknown variables are ignored.
 *
 * @throws ConfigError naming every bad or missing variable, in one message.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, source: EnvSource = process.env): FrozenConfig<z.output<S>> {
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(problemsOf(result.error, input));
  return deepFreeze(result.data) as FrozenConfig<z.output<S>>;
}

function problemsOf(error: z.ZodError, input: Record<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(configuration)';
    const top = issue.path[0];
    const missing = typeof top === 'string' && issue.path.length === 1 && input[top] === undefined;
    const problem = missing ? 'is required but not set' : issue.message;
    const key = `${variable}\u0000${problem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ variable, problem });
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
