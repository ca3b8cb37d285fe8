/** A small, strict argument parser for the CLI commands: known flags only, clear errors. */
export interface FlagSpec {
  /** Flags that take a value (`--reader 1`, `--reader=1`). */
  values?: readonly string[];
  /** Flags without a value. */
  switches?: readonly string[];
}

export interface ParsedArgs {
  values: Map<string, string>;
  switches: Set<string>;
  positionals: string[];
}

export class UsageError extends Error {}

export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (spec.values?.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      values.set(name, value);
    } else if (spec.switches?.includes(name) && eq < 0) {
      switches.add(name);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { values, switches, positionals };
}
