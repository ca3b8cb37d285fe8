/**
 * Swedish personal identity numbers (personnummer, and samordningsnummer whose day is +60) as they
 * appear in a certificate's subject serialNumber: `YYYYMMDDNNNC`, `YYYYMMDD-NNNC`, `YYMMDD-NNNC`.
 * They are personal data: every place that shows one shows it masked, birth date kept, the last
 * four digits hidden.
 */

const shape = /^(\d{6}|\d{8})([-+]?)(\d{4})$/;
const inText = /(?<![\dA-Za-z])(\d{6}|\d{8})([-+]?)(\d{4})(?![\dA-Za-z])/g;

function plausibleDate(datePart: string): boolean {
  const yymmdd = datePart.slice(-6);
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const century = datePart.length === 8 ? Number(datePart.slice(0, 2)) : undefined;
  if (century !== undefined && (century < 18 || century > 20)) return false;
  if (month < 1 || month > 12) return false;
  // Samordningsnummer add 60 to the day.
  return (day >= 1 && day <= 31) || (day >= 61 && day <= 91);
}

/** True for anything shaped like a personnummer or samordningsnummer (date plausible; checksum not required). */
export function isPersonnummer(value: string): boolean {
  const m = shape.exec(value.trim());
  return m !== null && plausibleDate(m[1] as string);
}

/** Luhn check over the ten digits YYMMDDNNNC. */
export function personnummerChecksumValid(value: string): boolean {
  const m = shape.exec(value.trim());
  if (!m) return false;
  const digits = ((m[1] as string).slice(-6) + (m[3] as string)).split('').map(Number);
  return luhnValid(digits);
}

/** Luhn (mod 10) over digits, doubling every other digit from the left as Swedish numbers do. */
export function luhnValid(digits: number[]): boolean {
  let sum = 0;
  digits.forEach((digit, i) => {
    const weighted = i % 2 === 0 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  });
  return sum % 10 === 0;
}

function masked(datePart: string, separator: string): string {
  return `${datePart}${separator === '+' ? '+' : '-'}****`;
}

/** `197001011234` → `19700101-****`. A value that is not a personnummer comes back unchanged. */
export function maskPersonnummer(value: string): string {
  const m = shape.exec(value.trim());
  if (!m || !plausibleDate(m[1] as string)) return value;
  return masked(m[1] as string, m[2] as string);
}

/** Masks every personnummer inside a longer text (a subject line, a PKCS#11 label). */
export function maskPersonnummerInText(text: string): string {
  return text.replace(inText, (whole, datePart: string, separator: string) => (plausibleDate(datePart) ? masked(datePart, separator) : whole));
}
