/**
 * ISO/IEC 7816-4 status words (SW1 SW2) and what they mean, in Swedish and English, for the
 * IT-support report and for error messages. Exact words first, then the patterns that carry a
 * number (61xx, 6Cxx, 63Cx), then a meaning per SW1 for anything else.
 */
import { defineMessages, plural, type Catalogue, type Lang } from '../i18n/index.js';

const sv = {
  sw9000: 'Kommandot lyckades',
  // Swedish "byte" and "försök" are the same in the singular and the plural: plain messages.
  sw61XX: 'Kommandot lyckades; {count} byte svar finns att hämta (GET RESPONSE)',
  sw6200: 'Varning: tillståndet i kortets minne är oförändrat',
  sw6281: 'Varning: en del av svaret kan vara fel',
  sw6282: 'Varning: filen tog slut innan så många byte som begärdes hade lästs',
  sw6283: 'Varning: den valda filen är ogiltigförklarad',
  sw6284: 'Varning: filinformationen är inte formaterad enligt ISO 7816-4',
  sw6285: 'Varning: den valda filen är i avslutat tillstånd',
  sw6300: 'Verifieringen misslyckades',
  sw6381: 'Varning: filen blev full av den senaste skrivningen',
  sw63CX: 'Verifieringen misslyckades eller räknaren: {count} försök kvar',
  sw6400: 'Fel: kortets minne är oförändrat',
  sw6401: 'Fel: kortet väntar på ett omedelbart svar',
  sw6581: 'Fel i kortets minne',
  sw6700: 'Fel längd (Lc eller Le)',
  sw6800: 'Funktionen i CLA-byten stöds inte',
  sw6881: 'Logiska kanaler stöds inte',
  sw6882: 'Säkra meddelanden (secure messaging) stöds inte',
  sw6883: 'Sista kommandot i en kedja väntades',
  sw6884: 'Kommandokedjor stöds inte',
  sw6900: 'Kommandot är inte tillåtet',
  sw6981: 'Kommandot passar inte filens struktur',
  sw6982: 'Säkerhetsvillkoren är inte uppfyllda (t.ex. PIN inte angiven)',
  sw6983: 'Verifieringsmetoden är spärrad (t.ex. PIN spärrad)',
  sw6984: 'Referensdata kan inte användas',
  sw6985: 'Villkoren för användning är inte uppfyllda',
  sw6986: 'Kommandot är inte tillåtet (ingen vald fil)',
  sw6987: 'Säkra meddelanden: dataobjekt saknas',
  sw6988: 'Säkra meddelanden: felaktiga dataobjekt',
  sw6A00: 'Fel parametrar P1–P2',
  sw6A80: 'Fel parametrar i datafältet',
  sw6A81: 'Funktionen stöds inte',
  sw6A82: 'Filen eller applikationen finns inte',
  sw6A83: 'Posten finns inte',
  sw6A84: 'Inte tillräckligt med minne i filen',
  sw6A85: 'Lc stämmer inte med TLV-strukturen',
  sw6A86: 'Fel parametrar P1–P2',
  sw6A87: 'Lc stämmer inte med P1–P2',
  sw6A88: 'Refererade data finns inte (t.ex. okänd PIN-referens)',
  sw6A89: 'Filen finns redan',
  sw6A8A: 'DF-namnet finns redan',
  sw6B00: 'Fel parametrar (position utanför filen)',
  sw6CXX: 'Fel Le; kortet har {count} byte att ge',
  sw6D00: 'Instruktionen (INS) stöds inte',
  sw6E00: 'Klassen (CLA) stöds inte',
  sw6F00: 'Fel utan närmare förklaring',
  sw62: 'Varning (SW1 62): kortets minne är oförändrat',
  sw63: 'Varning (SW1 63): kortets minne kan ha ändrats',
  sw64: 'Körningsfel (SW1 64): kortets minne är oförändrat',
  sw65: 'Körningsfel (SW1 65): kortets minne har ändrats',
  sw66: 'Säkerhetsrelaterat fel (SW1 66)',
  sw67: 'Fel längd',
  sw68: 'Funktion i CLA stöds inte',
  sw69: 'Kommandot är inte tillåtet',
  sw6A: 'Fel parametrar P1–P2',
  sw9X: 'Kortspecifikt svar',
  unknown: 'Okänt statusord',
} as const;

type StatusWordKey = keyof typeof sv;

const en: Catalogue<StatusWordKey> = {
  sw9000: 'Success',
  sw61XX: plural('count', {
    one: 'Success; {count} byte of response is waiting (GET RESPONSE)',
    other: 'Success; {count} bytes of response are waiting (GET RESPONSE)',
  }),
  sw6200: 'Warning: state of non-volatile memory unchanged',
  sw6281: 'Warning: part of the returned data may be corrupted',
  sw6282: 'Warning: end of file reached before reading Le bytes',
  sw6283: 'Warning: selected file invalidated',
  sw6284: 'Warning: file control information not formatted according to ISO 7816-4',
  sw6285: 'Warning: selected file in termination state',
  sw6300: 'Verification failed',
  sw6381: 'Warning: file filled up by the last write',
  sw63CX: plural('count', { one: 'Verification failed or counter: {count} try left', other: 'Verification failed or counter: {count} tries left' }),
  sw6400: 'Execution error: state of non-volatile memory unchanged',
  sw6401: 'Execution error: immediate response required by the card',
  sw6581: 'Memory failure',
  sw6700: 'Wrong length (Lc or Le)',
  sw6800: 'Functions in CLA not supported',
  sw6881: 'Logical channel not supported',
  sw6882: 'Secure messaging not supported',
  sw6883: 'Last command of the chain expected',
  sw6884: 'Command chaining not supported',
  sw6900: 'Command not allowed',
  sw6981: 'Command incompatible with file structure',
  sw6982: 'Security status not satisfied (e.g. PIN not verified)',
  sw6983: 'Authentication method blocked (e.g. PIN blocked)',
  sw6984: 'Reference data not usable',
  sw6985: 'Conditions of use not satisfied',
  sw6986: 'Command not allowed (no current EF)',
  sw6987: 'Expected secure messaging data objects missing',
  sw6988: 'Incorrect secure messaging data objects',
  sw6A00: 'Wrong parameters P1-P2',
  sw6A80: 'Incorrect parameters in the data field',
  sw6A81: 'Function not supported',
  sw6A82: 'File or application not found',
  sw6A83: 'Record not found',
  sw6A84: 'Not enough memory space in the file',
  sw6A85: 'Lc inconsistent with TLV structure',
  sw6A86: 'Incorrect parameters P1-P2',
  sw6A87: 'Lc inconsistent with P1-P2',
  sw6A88: 'Referenced data not found (e.g. unknown PIN reference)',
  sw6A89: 'File already exists',
  sw6A8A: 'DF name already exists',
  sw6B00: 'Wrong parameters (offset outside the EF)',
  sw6CXX: plural('count', { one: 'Wrong Le; the card has {count} byte to give', other: 'Wrong Le; the card has {count} bytes to give' }),
  sw6D00: 'Instruction code (INS) not supported',
  sw6E00: 'Class (CLA) not supported',
  sw6F00: 'No precise diagnosis',
  sw62: 'Warning (SW1 62): state of non-volatile memory unchanged',
  sw63: 'Warning (SW1 63): state of non-volatile memory may have changed',
  sw64: 'Execution error (SW1 64): state of non-volatile memory unchanged',
  sw65: 'Execution error (SW1 65): state of non-volatile memory changed',
  sw66: 'Security-related error (SW1 66)',
  sw67: 'Wrong length',
  sw68: 'Functions in CLA not supported',
  sw69: 'Command not allowed',
  sw6A: 'Wrong parameters P1-P2',
  sw9X: 'Card-specific answer',
  unknown: 'Unknown status word',
};

export const statusWordMessages = defineMessages<StatusWordKey>('card.status-words', sv, en);

/** `0x6A82` → `"6A82"`. */
export function formatStatusWord(sw: number): string {
  return (sw & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * What a status word means, in the given language. Domain results carry only the status word;
 * the report, the CLI and the service for the renderer say it in the reader's language. English
 * is the language of developer logs and error messages.
 */
export function describeStatusWord(sw: number, lang: Lang): string {
  const word = formatStatusWord(sw);
  const sw1 = (sw >> 8) & 0xff;
  const sw2 = sw & 0xff;
  const exact = `sw${word}`;
  if (exact in sv) return statusWordMessages.t(exact as StatusWordKey, lang);
  if (sw1 === 0x61) return statusWordMessages.t('sw61XX', lang, { count: sw2 === 0 ? 256 : sw2 });
  if (sw1 === 0x6c) return statusWordMessages.t('sw6CXX', lang, { count: sw2 === 0 ? 256 : sw2 });
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return statusWordMessages.t('sw63CX', lang, { count: sw2 & 0x0f });
  const bySw1 = `sw${word.slice(0, 2)}`;
  if (bySw1 in sv) return statusWordMessages.t(bySw1 as StatusWordKey, lang);
  if (sw1 >= 0x90 && sw1 <= 0x9f) return statusWordMessages.t('sw9X', lang);
  return statusWordMessages.t('unknown', lang);
}
