/** Small helpers to build facts the same way in every probe. */
import { UNKNOWN, type CommandResult, type FactAssessment, type FactSource, type FactValue, type SystemFact } from './types.js';

export interface FactExtras {
  note?: string;
  assessment?: FactAssessment;
  personal?: boolean;
}

export function fact(key: string, value: FactValue, source: FactSource, detail: string, extras: FactExtras = {}): SystemFact {
  const out: SystemFact = { key, value, source, detail };
  if (extras.note !== undefined) out.note = extras.note;
  if (extras.assessment !== undefined) out.assessment = extras.assessment;
  if (extras.personal) out.personal = true;
  return out;
}

export function unknownFact(key: string, source: FactSource, detail: string, note: string): SystemFact {
  return { key, value: UNKNOWN, source, detail, note };
}

export function isUnknown(f: SystemFact | undefined): boolean {
  return f === undefined || f.value === UNKNOWN;
}

/** The first non-empty line of a text, shortened: what a note quotes from an unexpected output. */
export function firstLine(text: string, max = 160): string {
  const line =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Why a command gave no usable output, in one line (null when it ran and exited 0). */
export function commandFailure(result: CommandResult): string | null {
  if (result.notFound) return 'program not found';
  if (result.timedOut) return 'timed out (the program was stopped)';
  if (result.error) return result.error;
  if (result.signal) return `ended by signal ${result.signal}`;
  if (result.exitCode !== 0) {
    const said = firstLine(result.stderr) || firstLine(result.stdout);
    return `exit code ${result.exitCode}${said ? `: ${said}` : ''}`;
  }
  return null;
}

/** Finds the fact with a key in a list (the first one). */
export function findFact(facts: readonly SystemFact[], key: string): SystemFact | undefined {
  return facts.find((f) => f.key === key);
}
