/** One problem with one environment variable. */
export interface ConfigProblem {
  /** The environment variable's name, e.g. `DATABASE_URL`. */
  variable: string;
  /** What is wrong, in words an operator can act on. */
  problem: string;
}

/**
 * Thrown by `loadConfig` when the environment does not describe a valid configuration. Its one
 * message names every bad or missing variable, so an operator fixes them all in one go.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const list = problems.map((p) => `${p.variable}: ${p.problem}`).join('; ');
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${list}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze(problems.map((p) => Object.freeze({ ...p })));
  }
}
