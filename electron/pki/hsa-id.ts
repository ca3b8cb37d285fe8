/**
 * HSA-id, the identity in a SITHS certificate's subject serialNumber (2.5.4.5). The format
 * (siths-facts.md): `SE` + a 10-digit organisation number + `-` + one or more of [A-Za-z0-9], at
 * most 31 characters, no å/ä/ö and no `@`. Inera's test identities replace `SE` with a prefix
 * starting `TST` (e.g. `TSTNMT2321000156-1025`).
 */
import { luhnValid } from './personnummer.js';

export type HsaIdProblem = 'empty' | 'too-long' | 'whitespace' | 'bad-characters' | 'missing-dash' | 'bad-prefix' | 'bad-organisation-number' | 'empty-suffix';

/** Not wrong by the rules, but worth a look. */
export type HsaIdWarning = 'organisation-number-checksum';

export interface HsaIdCheck {
  value: string;
  valid: boolean;
  /** A test-PKI identity (prefix `TST…`). */
  test: boolean;
  prefix?: string;
  organisationNumber?: string;
  suffix?: string;
  problems: HsaIdProblem[];
  warnings: HsaIdWarning[];
}

export const hsaIdMaxLength = 31;

/** Worth checking as an HSA-id: begins with `SE` or `TST` and a digit (anything else is some other serial). */
export function looksLikeHsaId(value: string): boolean {
  return /^\s*(SE|TST[A-Z]*)\d/i.test(value);
}

export function checkHsaId(value: string): HsaIdCheck {
  const problems: HsaIdProblem[] = [];
  const warnings: HsaIdWarning[] = [];
  const check: HsaIdCheck = { value, valid: false, test: false, problems, warnings };
  if (value.length === 0) {
    problems.push('empty');
    return check;
  }
  if (value.length > hsaIdMaxLength) problems.push('too-long');
  if (/\s/.test(value)) problems.push('whitespace');
  if (/[^A-Za-z0-9\s-]/.test(value)) problems.push('bad-characters');
  const dash = value.indexOf('-');
  if (dash < 0) {
    problems.push('missing-dash');
  }
  const head = dash < 0 ? value : value.slice(0, dash);
  const suffix = dash < 0 ? undefined : value.slice(dash + 1);
  const prefix = /^[A-Za-z]*/.exec(head)?.[0] ?? '';
  const digits = head.slice(prefix.length);
  if (prefix !== '') check.prefix = prefix;
  if (prefix === 'SE') {
    // production
  } else if (/^TST[A-Z]*$/.test(prefix)) {
    check.test = true;
  } else {
    problems.push('bad-prefix');
  }
  if (!/^\d{10}$/.test(digits)) {
    problems.push('bad-organisation-number');
  } else {
    check.organisationNumber = digits;
    if (!luhnValid(digits.split('').map(Number))) warnings.push('organisation-number-checksum');
  }
  if (suffix !== undefined) {
    check.suffix = suffix;
    if (suffix.length === 0) problems.push('empty-suffix');
    else if (!/^[A-Za-z0-9]+$/.test(suffix) && !problems.includes('bad-characters') && !problems.includes('whitespace')) problems.push('bad-characters');
  }
  check.valid = problems.length === 0;
  return check;
}
