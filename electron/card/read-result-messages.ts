/**
 * Words for what a card read ends in, in Swedish and English: why the reader or the card could not
 * be read (a `TransportErrorCode`), where a read stopped (a `CardReadStage`) and a one-line summary
 * of a failed read. The card layer's results carry only these codes (and the status word); the
 * report, the CLI and the service look the words up here in the reader's language, so a Swedish
 * report never quotes an English `Error.message`.
 */
import type { TransportErrorCode } from '../../native/transport.js';
import { defineMessages, type Lang } from '../i18n/index.js';
import type { CardReadFailure, CardReadStage, CertificateRole, PinRole } from './card-read-result.js';
import { describeStatusWord } from './status-words.js';

/** Why the reader or the card could not be used, as a clause: "Kortet kunde inte läsas: {reason}." */
export const transportErrorMessages = defineMessages<TransportErrorCode>(
  'card.transport-errors',
  {
    'service-not-running': 'kortläsartjänsten (PC/SC) är inte igång',
    'no-readers': 'ingen kortläsare är ansluten',
    'reader-unavailable': 'kortläsaren går inte att använda just nu',
    'no-card': 'inget kort sitter i läsaren',
    'card-removed': 'kortet togs ut',
    'card-reset': 'ett annat program återställde kortet',
    'sharing-violation': 'ett annat program håller kortet låst',
    timeout: 'kortläsaren svarade inte i tid',
    'unresponsive-card': 'kortet svarar inte (sitter det rätt, chipet först?)',
    'no-pinpad': 'kortläsaren har ingen knappsats för PIN-koden',
    'pcsc-error': 'kortläsartjänsten (PC/SC) svarade med ett fel',
  },
  {
    'service-not-running': 'the smart-card service (PC/SC) is not running',
    'no-readers': 'no card reader is connected',
    'reader-unavailable': 'the card reader cannot be used right now',
    'no-card': 'there is no card in the reader',
    'card-removed': 'the card was taken out',
    'card-reset': 'another program reset the card',
    'sharing-violation': 'another program holds the card locked',
    timeout: 'the reader did not answer in time',
    'unresponsive-card': 'the card does not answer (is it inserted the right way, chip first?)',
    'no-pinpad': 'the reader has no keypad for the PIN',
    'pcsc-error': 'the smart-card service (PC/SC) answered with an error',
  },
);

/** Where a read stopped, as the report's "Steg"/"Stage" evidence names it. */
export const readStageMessages = defineMessages<CardReadStage>(
  'card.read-stages',
  {
    'select-application': 'välja kortets applikation',
    'object-directory': 'läsa kortets innehållsförteckning (ODF)',
    directories: 'läsa kortets kataloger över certifikat, nycklar och PIN-koder',
    'authentication-certificate': 'läsa inloggningscertifikatet',
    'pin-counters': 'fråga efter PIN-räknarna',
    'token-info': 'läsa kortets namn och serienummer',
    certificates: 'läsa certifikaten',
    'application-directory': 'läsa kortets applikationskatalog (EF.DIR)',
  },
  {
    'select-application': "selecting the card's application",
    'object-directory': "reading the card's object directory (ODF)",
    directories: "reading the card's directories of certificates, keys and PINs",
    'authentication-certificate': 'reading the login certificate',
    'pin-counters': 'asking for the PIN counters',
    'token-info': "reading the card's name and serial number",
    certificates: 'reading the certificates',
    'application-directory': "reading the card's application directory (EF.DIR)",
  },
);

/** What a certificate or a PIN on the card is for, as the card's directories say. */
const roleMessages = defineMessages(
  'card.roles',
  {
    'certificate.authentication': 'legitimering',
    'certificate.signature': 'underskrift',
    'certificate.authority': 'utfärdare (CA)',
    'certificate.unknown': 'okänd användning',
    'pin.authentication': 'legitimering',
    'pin.signature': 'underskrift',
    'pin.puk': 'PUK',
    'pin.other': 'annan PIN-kod',
  },
  {
    'certificate.authentication': 'authentication',
    'certificate.signature': 'signature',
    'certificate.authority': 'issuer (CA)',
    'certificate.unknown': 'unknown use',
    'pin.authentication': 'authentication',
    'pin.signature': 'signature',
    'pin.puk': 'PUK',
    'pin.other': 'other PIN',
  },
);

export const certificateRoleLabel = (role: CertificateRole, lang: Lang) => roleMessages.t(`certificate.${role}`, lang);
export const pinRoleLabel = (role: PinRole, lang: Lang) => roleMessages.t(`pin.${role}`, lang);

const failureMessages = defineMessages(
  'card.read-failures',
  {
    'card-removed': 'Kortet togs ut medan det lästes.',
    'unknown-structure': 'Kortkoll känner inte igen hur kortet lagrar sina certifikat.',
    'malformed-card-data': 'Kortets data är skadad ({stage}).',
    'malformed-card-data.file': 'Kortets data är skadad: filen {file} ({stage}).',
    'card-error': 'Kortet svarade med ett fel ({stage}): {meaning}.',
    'card-error.unreadable': 'Kortets svar gick inte att tolka ({stage}).',
    'transport-error': 'Kortet kunde inte läsas: {reason}.',
  },
  {
    'card-removed': 'The card was taken out while it was being read.',
    'unknown-structure': 'Kortkoll does not recognise how the card stores its certificates.',
    'malformed-card-data': 'The card’s data is damaged ({stage}).',
    'malformed-card-data.file': 'The card’s data is damaged: file {file} ({stage}).',
    'card-error': 'The card answered with an error ({stage}): {meaning}.',
    'card-error.unreadable': 'The card’s answer could not be interpreted ({stage}).',
    'transport-error': 'The card could not be read: {reason}.',
  },
);

export function describeTransportError(code: TransportErrorCode, lang: Lang): string {
  return transportErrorMessages.t(code, lang);
}

/** A code that crossed a boundary as a plain string (IPC, a PIN outcome) and may name a transport error. */
export function isTransportErrorCode(code: string): code is TransportErrorCode {
  return Object.prototype.hasOwnProperty.call(transportErrorMessages.sv, code);
}

export function readStageLabel(stage: CardReadStage, lang: Lang): string {
  return readStageMessages.t(stage, lang);
}

/** `"6A82"` → its meaning in `lang`. */
export function statusWordMeaning(statusWord: string, lang: Lang): string {
  return describeStatusWord(parseInt(statusWord, 16), lang);
}

/** One sentence for a read that did not give a snapshot (the CLI's `read`), from its codes only. */
export function describeReadFailure(failure: CardReadFailure, lang: Lang): string {
  const stage = readStageLabel(failure.stage, lang);
  switch (failure.kind) {
    case 'card-removed':
      return failureMessages.t('card-removed', lang);
    case 'unknown-structure':
      return failureMessages.t('unknown-structure', lang);
    case 'malformed-card-data':
      return failure.file
        ? failureMessages.t('malformed-card-data.file', lang, { file: failure.file, stage })
        : failureMessages.t('malformed-card-data', lang, { stage });
    case 'card-error':
      return failure.statusWord
        ? failureMessages.t('card-error', lang, { stage, meaning: statusWordMeaning(failure.statusWord, lang) })
        : failureMessages.t('card-error.unreadable', lang, { stage });
    case 'transport-error':
      return failureMessages.t('transport-error', lang, { reason: describeTransportError(failure.code, lang) });
  }
}
