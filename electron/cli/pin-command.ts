/**
 * `kortkoll pin test|change|unblock`: test a PIN, change it, or unblock it with the PUK, through
 * the PIN operations core (electron/card/pin/pin-operations.ts) and its safety rules. The card is
 * connected and the counter shown before anything is typed; the PIN is read from the terminal
 * without echo, or one value per line from standard input with `--pin-stdin` — never from argv or
 * the environment. It goes straight into a PinSecret; nothing here prints, logs or keeps it. After
 * a PIN command the card is reset on disconnect, so a PIN verified here does not stay verified.
 */
import type { CardConnection } from '../../native/transport.js';
import { isTransportError } from '../../native/transport.js';
import {
  inspectPinBeforeEntry,
  performPinOperation,
  type LastTryWarning,
  type OperatedPin,
  type PinBeforeEntry,
  type PinCounterView,
  type PinOperationKind,
  type PinOperationOutcome,
  type PinOperationRefusal,
  type PinOperationRequest,
} from '../card/pin/pin-operations.js';
import type { PinSecret } from '../card/pin/pin-secret.js';
import { describeTransportError, isTransportErrorCode, statusWordMeaning } from '../card/read-result-messages.js';
import type { PolicyWarning } from '../card/pin/pin-policy.js';
import { demoCardNameList, isDemoCardName, openDemoReaderMonitor } from '../demo-cards.js';
import { defineMessages, plural, type Lang } from '../i18n/index.js';
import { parseCommandArgs, UsageError, withUsageErrors } from './args.js';
import { ExitCode, type CliCommand, type CliIo } from './command.js';
import { onInterrupt } from './interrupt.js';
import { openReaderMonitor, ReaderProblem, withChosenReader } from './pcsc.js';
import { ByteSource, InputAborted, readAnswerFromTerminal, readSecretFromTerminal, readSecretLine } from './secret-input.js';

/** Exit codes of `kortkoll pin` (documented in its --help and the README). */
export const PinExitCode = {
  /** The PIN was right, changed, or unblocked. */
  done: 0,
  /** Wrong PIN (or PUK): tries are left. */
  wrong: 1,
  /** The PIN (or PUK) is blocked, now or already; or the card answered an error. */
  blockedOrCardError: 2,
  /** A safety rule refused: nothing was sent to the card. */
  refused: 3,
  usage: ExitCode.usage,
  unavailable: ExitCode.unavailable,
  interrupted: 130,
} as const;

const m = defineMessages(
  'cli-pin',
  {
    summary: 'testa, byt eller lås upp en PIN-kod (med säkerhetsregler)',
    help:
      'Användning: kortkoll pin test|change|unblock [--pin legitimering|underskrift] [--reader N|NAMN] [--demo KORT] [--pin-stdin] [--yes-last-try]\n\n' +
      '  test     prövar PIN-koden (VERIFY): rätt eller fel, och hur många försök som är kvar\n' +
      '  change   byter PIN-koden: nuvarande PIN-kod, sedan den nya två gånger\n' +
      '  unblock  låser upp en spärrad PIN-kod med PUK-koden och ger den en ny PIN-kod\n\n' +
      'Kortkoll ansluter till kortet och visar räknaren ("3 av 3 försök kvar") innan du skriver något. PIN-koden skrivs i terminalen utan att synas (Backspace rättar, Ctrl-C avbryter). Den tas aldrig från kommandoraden eller miljövariabler, och syns aldrig i utskrifter eller loggar.\n\n' +
      'Säkerhetsregler, innan något skickas till kortet: en PIN-kod är sex siffror och PUK-koden åtta, den nya PIN-koden får inte vara den gamla och ska skrivas likadant två gånger. Vid sista försöket frågar Kortkoll "Ett fel till spärrar PIN-koden. Fortsätt? [j/N]". Ingen PIN-kod skickas till ett kort vars struktur eller typ är okänd, eller vars räknare inte kunde läsas. Efteråt läses räknaren igen och visas, och kortet återställs så att PIN-koden inte förblir inloggad för andra program.\n\n' +
      'Flaggor:\n' +
      '  --pin legitimering|underskrift  vilken PIN-kod (standard: legitimering)\n' +
      '  --reader N|NAMN  läsarens nummer (0, 1, …) eller namn; standard: första läsaren med ett kort\n' +
      '  --demo KORT      ett virtuellt demokort i stället för en riktig läsare ({cards})\n' +
      '  --pin-stdin      läs koderna från standard in, en per rad, för skript: test: PIN; change: nuvarande, ny, ny igen; unblock: PUK, ny, ny igen\n' +
      '  --yes-last-try   med --pin-stdin: gå vidare vid sista försöket (och när PUK-räknaren inte kan läsas); utan den vägrar Kortkoll\n\n' +
      'Slutkoder: 0 rätt PIN-kod, bytt eller upplåst; 1 fel PIN- eller PUK-kod (försök kvar); 2 PIN- eller PUK-koden är spärrad, eller kortet svarade med ett fel; 3 en säkerhetsregel stoppade (inget skickades till kortet); 64 felaktigt anrop eller indata saknas; 69 ingen tjänst, läsare eller kort, kortet togs ut eller ett annat program håller kortet; 130/143 avbruten (Ctrl-C/SIGTERM).',
    pinAuthentication: 'PIN-koden för legitimering',
    pinSignature: 'PIN-koden för underskrift',
    badPin: 'Okänd PIN-kod för --pin. Använd legitimering eller underskrift.',
    badOperation: 'Ange test, change eller unblock. Se kortkoll pin --help.',
    yesLastTryNeedsStdin: '--yes-last-try gäller bara med --pin-stdin: i terminalen frågar Kortkoll vid sista försöket.',
    noTerminal: 'Standard in är ingen terminal: PIN-koden kan inte skrivas dolt. Använd --pin-stdin för skript.',
    serviceDown: 'Kortläsartjänsten (PC/SC) är inte igång. Starta den (Linux: sudo systemctl start pcscd) eller kontakta lokal IT-support.',
    noReaders: 'Inga kortläsare hittades.',
    noSuchReader: 'Ingen kortläsare {reader}. Se kortkoll readers.',
    noCard: 'Inget kort i {reader}. Sätt i kortet och försök igen.',
    unknownDemo: 'Okänt demokort: {name}. Välj bland: {cards}.',
    cardIn: 'Kort i {reader}.',
    counter: '{pin}: {tries}.',
    pukCounter: 'PUK-koden: {tries}.',
    pukCounterUnknown: 'PUK-koden: räknaren kan inte läsas på den här korttypen.',
    triesLeft: '{left} av {max} försök kvar',
    triesLeftNoMax: '{left} försök kvar',
    triesUnknown: 'antal försök okänt',
    verified: 'verifierad',
    blocked: 'SPÄRRAD',
    promptPin: '{pin} (sex siffror): ',
    promptCurrent: 'Nuvarande PIN-kod: ',
    promptNew: 'Ny PIN-kod (sex siffror): ',
    promptNewAgain: 'Ny PIN-kod igen: ',
    promptPuk: 'PUK-kod (åtta siffror): ',
    stdinEnded: 'Standard in tog slut före {what} (rad {line}). Ingen PIN-kod skickades till kortet.',
    whatPin: 'PIN-koden',
    whatCurrent: 'den nuvarande PIN-koden',
    whatNew: 'den nya PIN-koden',
    whatNewAgain: 'den nya PIN-koden igen',
    whatPuk: 'PUK-koden',
    lastPinTry: 'Ett fel till spärrar PIN-koden.',
    lastPukTry: 'Ett försök kvar på PUK-koden: ett fel till gör att kortet inte kan låsas upp, och då behövs ett nytt kort.',
    pukCounterUnknownWarning: 'PUK-kodens räknare kan inte läsas på den här korttypen: fler än tio fel PUK-koder gör kortet oanvändbart för alltid.',
    continuePrompt: 'Fortsätt? [j/N] ',
    continuingYes: 'Fortsätter (--yes-last-try).',
    notConfirmedStdin: 'Ingen PIN-kod skickades till kortet. Lägg till --yes-last-try om du ändå vill försöka.',
    notConfirmed: 'Avbrutet: ingen PIN-kod skickades till kortet.',
    aborted: 'Avbrutet: ingen PIN-kod skickades till kortet.',
    doneTest: 'Rätt PIN-kod.',
    doneChange: 'PIN-koden är bytt.',
    doneUnblock: 'PIN-koden är upplåst och har fått den nya koden.',
    wrongPin: 'Fel PIN-kod: {left} försök kvar.',
    wrongPuk: 'Fel PUK-kod: {left} försök kvar.',
    blockedPin: 'Fel PIN-kod: PIN-koden är nu spärrad.',
    blockedPuk: 'PUK-koden är spärrad: kortet kan inte låsas upp. Kontakta ID-administratören eller lokal IT-support för ett nytt kort.',
    unblockHint: 'Lås upp den med PUK-koden: kortkoll pin unblock{pinFlag}.',
    idprimeUnblock:
      'På det här kortet (Thales IDPrime, SITHS eID) låser Kortkoll inte upp PIN-koden. Har kortet produktkod 6XX (eller ingen): lås upp med PUK-koden i appen SITHS eID. Har det produktkod 7XX: kontakta ID-administratören eller lokal IT-support.',
    after: 'Nu: {counter}',
    cardError: 'Kortet svarade {sw} ({meaning}): åtgärden gick inte igenom.',
    cardErrorNoSw: 'Kortet svarade med ett fel: åtgärden gick inte igenom.',
    removedBefore: 'Kortet togs ut innan PIN-kommandot skickades: ingenting hände på kortet. Sätt i kortet igen och försök på nytt.',
    pinpadEnded: 'Kortläsarens knappsats avbröt inmatningen ({reason}). Ingen PIN-kod prövades.',
    'pinpad.timeout': 'ingen knapp trycktes i tid',
    'pinpad.cancelled': 'avbruten på läsaren',
    'pinpad.new-pins-differ': 'den nya PIN-koden skrevs olika två gånger',
    'pinpad.wrong-length': 'fel antal siffror',
    'pinpad.invalid-structure': 'läsaren godtog inte uppgifterna om PIN-formatet',
    removedDuring:
      'Kortet togs ut medan PIN-kommandot skickades. Det går inte att veta om kortet hann ta emot det: {what} Sätt i kortet igen och kör kortkoll read för att se räknaren (det kostar inget försök).',
    removedDuringTest: 'ett försök kan ha räknats, eller inte.',
    removedDuringChange: 'PIN-koden kan ha bytts, eller vara den gamla; ett försök kan ha räknats.',
    removedDuringUnblock: 'PIN-koden kan ha låsts upp med den nya koden, eller vara spärrad som förut; ett PUK-försök kan ha räknats.',
    sharingViolation:
      'Ett annat program håller kortet (till exempel Net iD, SITHS eID eller en webbläsare). Stäng det, eller ta ut och sätt i kortet, och försök igen.',
    transportError: 'Kortläsaren svarade med ett fel: {reason}. Försök igen.',
    warning: 'Varning: den nya PIN-koden är lätt att gissa ({what}). Byt gärna till en annan.',
    warnRepeated: 'samma siffra upprepad',
    warnAscending: 'stigande följd',
    warnDescending: 'fallande följd',
    nothingSent: 'Ingen PIN-kod skickades till kortet.',
    'refused-pin-not-six-digits': 'En PIN-kod är sex siffror.',
    'refused-puk-not-eight-digits': 'PUK-koden är åtta siffror.',
    'refused-new-equals-old': 'Den nya PIN-koden är samma som den nuvarande.',
    'refused-confirmation-differs': 'Den nya PIN-koden och upprepningen skiljer sig åt.',
    'refused-outside-card-limits': 'Kortet tar inte en PIN-kod av den längden.',
    'refused-structure-unknown': 'Kortets struktur är okänd: Kortkoll skickar ingen PIN-kod till det. Kör kortkoll probe och skicka rapporten till IT-support.',
    'refused-card-type-unknown': 'Korttypen är okänd: Kortkoll skickar ingen PIN-kod till den. Kör kortkoll probe och skicka rapporten till IT-support.',
    'refused-no-such-pin': 'Kortet har ingen {pinLower}.',
    'refused-counter-unknown': 'Räknaren för {pinLower} kunde inte läsas: Kortkoll skickar ingen PIN-kod utan att veta hur många försök som är kvar.',
    'refused-pin-blocked': '{pin} är spärrad.',
    'refused-unblock-not-offered': 'Upplåsning erbjuds inte på det här kortet.',
    'refused-no-puk': 'Kortet har ingen PUK-kod för {pinLower}.',
    'refused-puk-blocked': 'PUK-koden är spärrad: kortet kan inte låsas upp. Kontakta ID-administratören eller lokal IT-support för ett nytt kort.',
    'refused-encoding-not-supported': 'Kortet vill ha PIN-koden i en form som Kortkoll inte kan skicka.',
    'refused-reader-busy': 'En annan PIN-åtgärd pågår redan i den här läsaren.',
    'refused-not-confirmed': 'Inte bekräftat.',
  },
  {
    summary: 'test, change or unblock a PIN (with safety rules)',
    help:
      'Usage: kortkoll pin test|change|unblock [--pin authentication|signature] [--reader N|NAME] [--demo CARD] [--pin-stdin] [--yes-last-try]\n\n' +
      '  test     tries the PIN (VERIFY): right or wrong, and how many tries are left\n' +
      '  change   changes the PIN: the current PIN, then the new one twice\n' +
      '  unblock  unblocks a blocked PIN with the PUK and gives it a new PIN\n\n' +
      'Kortkoll connects to the card and shows the counter ("3 of 3 tries left") before you type anything. The PIN is typed on the terminal without showing (Backspace corrects, Ctrl-C stops). It is never taken from the command line or the environment, and never appears in output or logs.\n\n' +
      'Safety rules, before anything is sent to the card: a PIN is six digits and the PUK eight, the new PIN must not be the old one and must be typed the same twice. At the last try Kortkoll asks "One more wrong PIN blocks it. Continue? [y/N]". No PIN is sent to a card whose structure or type is unknown, or whose counter could not be read. Afterwards the counter is read again and shown, and the card is reset so that the PIN does not stay verified for other programs.\n\n' +
      'Options:\n' +
      '  --pin authentication|signature  which PIN (also legitimering|underskrift; default: authentication)\n' +
      '  --reader N|NAME  the reader’s number (0, 1, …) or name; default: the first reader with a card\n' +
      '  --demo CARD      a virtual demo card instead of a real reader ({cards})\n' +
      '  --pin-stdin      read the codes from standard input, one per line, for scripts: test: PIN; change: current, new, new again; unblock: PUK, new, new again\n' +
      '  --yes-last-try   with --pin-stdin: go on at a last try (and when the PUK counter cannot be read); without it Kortkoll refuses\n\n' +
      'Exit codes: 0 PIN right, changed or unblocked; 1 wrong PIN or PUK (tries left); 2 the PIN or PUK is blocked, or the card answered an error; 3 a safety rule stopped (nothing was sent to the card); 64 usage error or missing input; 69 no service, reader or card, the card was removed or another program holds the card; 130/143 stopped (Ctrl-C/SIGTERM).',
    pinAuthentication: 'The authentication PIN',
    pinSignature: 'The signature PIN',
    badPin: 'Unknown PIN for --pin. Use authentication or signature.',
    badOperation: 'Give test, change or unblock. See kortkoll pin --help.',
    yesLastTryNeedsStdin: '--yes-last-try only goes with --pin-stdin: on a terminal Kortkoll asks at a last try.',
    noTerminal: 'Standard input is not a terminal: the PIN cannot be typed hidden. Use --pin-stdin for scripts.',
    serviceDown: 'The smart-card service (PC/SC) is not running. Start it (Linux: sudo systemctl start pcscd) or contact local IT support.',
    noReaders: 'No card readers were found.',
    noSuchReader: 'No card reader {reader}. See kortkoll readers.',
    noCard: 'No card in {reader}. Insert the card and try again.',
    unknownDemo: 'Unknown demo card: {name}. Choose from: {cards}.',
    cardIn: 'Card in {reader}.',
    counter: '{pin}: {tries}.',
    pukCounter: 'The PUK: {tries}.',
    pukCounterUnknown: 'The PUK: its counter cannot be read on this card type.',
    triesLeft: '{left} of {max} tries left',
    triesLeftNoMax: plural('left', { one: '{left} try left', other: '{left} tries left' }),
    triesUnknown: 'tries left unknown',
    verified: 'verified',
    blocked: 'BLOCKED',
    promptPin: '{pin} (six digits): ',
    promptCurrent: 'Current PIN: ',
    promptNew: 'New PIN (six digits): ',
    promptNewAgain: 'New PIN again: ',
    promptPuk: 'PUK (eight digits): ',
    stdinEnded: 'Standard input ended before {what} (line {line}). No PIN was sent to the card.',
    whatPin: 'the PIN',
    whatCurrent: 'the current PIN',
    whatNew: 'the new PIN',
    whatNewAgain: 'the new PIN again',
    whatPuk: 'the PUK',
    lastPinTry: 'One more wrong PIN blocks it.',
    lastPukTry: 'One PUK try left: one more wrong PUK and the card cannot be unblocked; a new card is then needed.',
    pukCounterUnknownWarning: 'The PUK counter cannot be read on this card type: more than ten wrong PUKs make the card unusable for ever.',
    continuePrompt: 'Continue? [y/N] ',
    continuingYes: 'Going on (--yes-last-try).',
    notConfirmedStdin: 'No PIN was sent to the card. Add --yes-last-try if you want to try anyway.',
    notConfirmed: 'Stopped: no PIN was sent to the card.',
    aborted: 'Stopped: no PIN was sent to the card.',
    doneTest: 'The PIN is right.',
    doneChange: 'The PIN was changed.',
    doneUnblock: 'The PIN is unblocked and has the new code.',
    wrongPin: plural('left', { one: 'Wrong PIN: {left} try left.', other: 'Wrong PIN: {left} tries left.' }),
    wrongPuk: plural('left', { one: 'Wrong PUK: {left} try left.', other: 'Wrong PUK: {left} tries left.' }),
    blockedPin: 'Wrong PIN: the PIN is now blocked.',
    blockedPuk: 'The PUK is blocked: the card cannot be unblocked. Contact the ID administrator or local IT support for a new card.',
    unblockHint: 'Unblock it with the PUK: kortkoll pin unblock{pinFlag}.',
    idprimeUnblock:
      'On this card (Thales IDPrime, SITHS eID) Kortkoll does not unblock the PIN. If the card’s product code is 6XX (or there is none): unblock with the PUK in the SITHS eID app. If it is 7XX: contact the ID administrator or local IT support.',
    after: 'Now: {counter}',
    cardError: 'The card answered {sw} ({meaning}): the operation did not go through.',
    cardErrorNoSw: 'The card answered an error: the operation did not go through.',
    removedBefore: 'The card was removed before the PIN command was sent: nothing happened on the card. Insert the card again and try again.',
    pinpadEnded: 'The reader’s keypad ended the entry ({reason}). No PIN was tried.',
    'pinpad.timeout': 'no key pressed in time',
    'pinpad.cancelled': 'cancelled on the reader',
    'pinpad.new-pins-differ': 'the new PIN was typed differently twice',
    'pinpad.wrong-length': 'the wrong number of digits',
    'pinpad.invalid-structure': 'the reader did not accept the PIN format it was given',
    removedDuring:
      'The card was removed while the PIN command was sent. There is no knowing whether the card took it: {what} Insert the card again and run kortkoll read to see the counter (it costs no try).',
    removedDuringTest: 'a try may or may not have been counted.',
    removedDuringChange: 'the PIN may have been changed, or still be the old one; a try may have been counted.',
    removedDuringUnblock: 'the PIN may have been unblocked with the new code, or still be blocked; a PUK try may have been counted.',
    sharingViolation:
      'Another program holds the card (for example Net iD, SITHS eID or a web browser). Close it, or take the card out and insert it again, and try again.',
    transportError: 'The card reader answered an error: {reason}. Try again.',
    warning: 'Warning: the new PIN is easy to guess ({what}). Consider changing it to another.',
    warnRepeated: 'one digit repeated',
    warnAscending: 'an ascending run',
    warnDescending: 'a descending run',
    nothingSent: 'No PIN was sent to the card.',
    'refused-pin-not-six-digits': 'A PIN is six digits.',
    'refused-puk-not-eight-digits': 'The PUK is eight digits.',
    'refused-new-equals-old': 'The new PIN is the same as the current one.',
    'refused-confirmation-differs': 'The new PIN and its repetition differ.',
    'refused-outside-card-limits': 'The card does not take a PIN of that length.',
    'refused-structure-unknown': 'The card’s structure is unknown: Kortkoll sends no PIN to it. Run kortkoll probe and send the report to IT support.',
    'refused-card-type-unknown': 'The card type is unknown: Kortkoll sends no PIN to it. Run kortkoll probe and send the report to IT support.',
    'refused-no-such-pin': 'The card has no {pinLower}.',
    'refused-counter-unknown': 'The counter of {pinLower} could not be read: Kortkoll sends no PIN without knowing how many tries are left.',
    'refused-pin-blocked': '{pin} is blocked.',
    'refused-unblock-not-offered': 'Unblocking is not offered on this card.',
    'refused-no-puk': 'The card has no PUK for {pinLower}.',
    'refused-puk-blocked': 'The PUK is blocked: the card cannot be unblocked. Contact the ID administrator or local IT support for a new card.',
    'refused-encoding-not-supported': 'The card wants the PIN in a form Kortkoll cannot send.',
    'refused-reader-busy': 'Another PIN operation is already running in this reader.',
    'refused-not-confirmed': 'Not confirmed.',
  },
);

type Key = Parameters<typeof m.t>[0];

const pinNames: Record<string, OperatedPin> = {
  legitimering: 'authentication',
  authentication: 'authentication',
  underskrift: 'signature',
  signature: 'signature',
};

interface Printer {
  lang: Lang;
  t(key: Key, params?: Record<string, string | number>): string;
  line(key: Key, params?: Record<string, string | number>): void;
  err(key: Key, params?: Record<string, string | number>): void;
  pinName(pin: OperatedPin): string;
}

function printer(io: CliIo): Printer {
  const t = (key: Key, params?: Record<string, string | number>) => m.t(key, io.lang, params);
  return {
    lang: io.lang,
    t,
    line: (key, params) => io.stdout(t(key, params) + '\n'),
    err: (key, params) => io.stderr(t(key, params) + '\n'),
    pinName: (pin) => t(pin === 'authentication' ? 'pinAuthentication' : 'pinSignature'),
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function tries(p: Printer, counter: PinCounterView): string {
  if (counter.blocked === true) return p.t('blocked');
  if (counter.triesLeft === 'unknown') return counter.verified === true ? p.t('verified') : p.t('triesUnknown');
  return counter.maxTries === 'unknown'
    ? p.t('triesLeftNoMax', { left: counter.triesLeft })
    : p.t('triesLeft', { left: counter.triesLeft, max: counter.maxTries });
}

/** What the person types, in order, per operation (also the line order of --pin-stdin). */
const entries: Record<PinOperationKind, { prompt: Key; what: Key }[]> = {
  test: [{ prompt: 'promptPin', what: 'whatPin' }],
  change: [
    { prompt: 'promptCurrent', what: 'whatCurrent' },
    { prompt: 'promptNew', what: 'whatNew' },
    { prompt: 'promptNewAgain', what: 'whatNewAgain' },
  ],
  unblock: [
    { prompt: 'promptPuk', what: 'whatPuk' },
    { prompt: 'promptNew', what: 'whatNew' },
    { prompt: 'promptNewAgain', what: 'whatNewAgain' },
  ],
};

/** Reads the secrets one by one; wipes those read so far when one is missing or entry is stopped. */
async function readSecrets(
  kind: PinOperationKind,
  pin: OperatedPin,
  source: ByteSource,
  terminal: boolean,
  io: CliIo,
  p: Printer,
): Promise<PinSecret[] | { exit: number }> {
  const secrets: PinSecret[] = [];
  const wipeAll = () => secrets.forEach((secret) => secret.wipe());
  for (const [index, entry] of entries[kind].entries()) {
    if (terminal) {
      io.stderr(p.t(entry.prompt, { pin: p.pinName(pin) }));
      try {
        secrets.push(await readSecretFromTerminal(source));
      } catch (error) {
        wipeAll();
        if (error instanceof InputAborted) {
          io.stderr('\n');
          p.err('aborted');
          return { exit: PinExitCode.interrupted };
        }
        throw error;
      } finally {
        io.stderr('\n');
      }
    } else {
      const secret = await readSecretLine(source);
      if (!secret) {
        wipeAll();
        p.err('stdinEnded', { what: p.t(entry.what), line: index + 1 });
        return { exit: PinExitCode.usage };
      }
      secrets.push(secret);
    }
  }
  return secrets;
}

function requestOf(kind: PinOperationKind, pin: OperatedPin, secrets: PinSecret[]): PinOperationRequest {
  const [a, b, c] = secrets as [PinSecret, PinSecret, PinSecret];
  if (kind === 'test') return { kind, pin, value: a };
  if (kind === 'change') return { kind, pin, current: a, next: b, confirmation: c };
  return { kind, pin, puk: a, next: b, confirmation: c };
}

function warningText(p: Printer, warning: LastTryWarning): string {
  return p.t(warning.kind === 'last-pin-try' ? 'lastPinTry' : warning.kind === 'last-puk-try' ? 'lastPukTry' : 'pukCounterUnknownWarning');
}

function policyWarningText(p: Printer, warning: PolicyWarning): string {
  return p.t(warning === 'repeated-digit' ? 'warnRepeated' : warning === 'ascending-run' ? 'warnAscending' : 'warnDescending');
}

/** Prints a refusal (before or by the core) and returns its exit code. */
function printRefusal(p: Printer, pin: OperatedPin, reason: PinOperationRefusal, structure: string | undefined, stdin: boolean): number {
  const pinName = p.pinName(pin);
  if (reason === 'unblock-not-offered' && structure === 'idprime') {
    p.line('idprimeUnblock');
    p.line('nothingSent');
    return PinExitCode.refused;
  }
  if (reason === 'not-confirmed') {
    p.line(stdin ? 'notConfirmedStdin' : 'notConfirmed');
    return PinExitCode.refused;
  }
  p.line(`refused-${reason}` as Key, { pin: pinName, pinLower: lowerFirst(pinName) });
  if (reason === 'pin-blocked') {
    if (structure === 'idprime') p.line('idprimeUnblock');
    else p.line('unblockHint', { pinFlag: pin === 'signature' ? (p.lang === 'en' ? ' --pin signature' : ' --pin underskrift') : '' });
    return PinExitCode.blockedOrCardError;
  }
  if (reason === 'puk-blocked') return PinExitCode.blockedOrCardError;
  p.line('nothingSent');
  return PinExitCode.refused;
}

function printTransport(p: Printer, code: string): number {
  if (code === 'sharing-violation') p.err('sharingViolation');
  else if (code === 'card-removed' || code === 'no-card') p.err('removedBefore');
  else p.err('transportError', { reason: isTransportErrorCode(code) ? describeTransportError(code, p.lang) : code });
  return PinExitCode.unavailable;
}

/** Prints the outcome of the operation and returns the exit code. */
function printOutcome(p: Printer, outcome: PinOperationOutcome, structure: string, stdin: boolean): number {
  const after = (counter: PinCounterView | null) => {
    if (counter) p.line('after', { counter: p.t('counter', { pin: p.pinName(outcome.pin), tries: tries(p, counter) }) });
  };
  switch (outcome.kind) {
    case 'done':
      p.line(outcome.operation === 'test' ? 'doneTest' : outcome.operation === 'change' ? 'doneChange' : 'doneUnblock');
      after(outcome.counterAfter);
      for (const warning of outcome.warnings) p.line('warning', { what: policyWarningText(p, warning) });
      return PinExitCode.done;
    case 'wrong':
      // 63 C0: wrong, and no try left: that is blocked (below).
      if (outcome.triesLeft > 0) {
        p.line(outcome.wrongOne === 'puk' ? 'wrongPuk' : 'wrongPin', { left: outcome.triesLeft });
        after(outcome.counterAfter);
        return PinExitCode.wrong;
      }
      return printOutcome(p, { ...outcome, kind: 'blocked', blockedOne: outcome.wrongOne }, structure, stdin);
    case 'blocked':
      p.line(outcome.blockedOne === 'puk' ? 'blockedPuk' : 'blockedPin');
      after(outcome.counterAfter);
      if (outcome.blockedOne === 'pin') {
        if (structure === 'idprime') p.line('idprimeUnblock');
        else p.line('unblockHint', { pinFlag: outcome.pin === 'signature' ? (p.lang === 'en' ? ' --pin signature' : ' --pin underskrift') : '' });
      }
      return PinExitCode.blockedOrCardError;
    case 'refused':
      return printRefusal(p, outcome.pin, outcome.reason, outcome.structure ?? structure, stdin);
    case 'card-error':
      p.line(outcome.statusWord ? 'cardError' : 'cardErrorNoSw', {
        sw: outcome.statusWord,
        meaning: outcome.statusWord ? statusWordMeaning(outcome.statusWord, p.lang) : '',
      });
      after(outcome.counterAfter);
      return PinExitCode.blockedOrCardError;
    case 'card-removed-before':
      p.err('removedBefore');
      return PinExitCode.unavailable;
    case 'card-removed-during':
      p.err('removedDuring', {
        what: p.t(outcome.operation === 'test' ? 'removedDuringTest' : outcome.operation === 'change' ? 'removedDuringChange' : 'removedDuringUnblock'),
      });
      return PinExitCode.unavailable;
    case 'transport-error':
      return printTransport(p, outcome.code);
    case 'pinpad-ended':
      p.line('pinpadEnded', { reason: p.t(`pinpad.${outcome.reason}`) });
      after(outcome.counterAfter);
      return PinExitCode.refused;
  }
}

interface Options {
  kind: PinOperationKind;
  pin: OperatedPin;
  stdin: boolean;
  yesLastTry: boolean;
}

/** Steps on one connection: counter first, then the secrets, then the operation and its outcome. */
async function operateOn(connection: CardConnection, options: Options, io: CliIo, p: Printer): Promise<number> {
  const { kind, pin } = options;
  p.line('cardIn', { reader: connection.readerName });
  const before: PinBeforeEntry = await inspectPinBeforeEntry(connection, { kind, pin });
  switch (before.kind) {
    case 'refused':
      if (before.counter) p.line('counter', { pin: p.pinName(pin), tries: tries(p, before.counter) });
      return printRefusal(p, pin, before.reason, before.structure, options.stdin);
    case 'card-removed-before':
      p.err('removedBefore');
      return PinExitCode.unavailable;
    case 'transport-error':
      return printTransport(p, before.code);
    case 'card-error':
      p.line(before.statusWord ? 'cardError' : 'cardErrorNoSw', {
        sw: before.statusWord,
        meaning: before.statusWord ? statusWordMeaning(before.statusWord, p.lang) : '',
      });
      return PinExitCode.blockedOrCardError;
    case 'ready':
      break;
  }
  p.line('counter', { pin: p.pinName(pin), tries: tries(p, before.counter) });
  if (kind === 'unblock') {
    if (before.pukCounter) p.line('pukCounter', { tries: tries(p, before.pukCounter) });
    else p.line('pukCounterUnknown');
  }

  const stream = io.stdin?.();
  const terminal = !options.stdin;
  const source = stream ? new ByteSource(stream) : null;
  const rawMode = terminal && stream?.setRawMode ? (on: boolean) => stream.setRawMode?.(on) : undefined;
  rawMode?.(true);
  const dropRawCleanup = onInterrupt(() => rawMode?.(false));
  try {
    if (!source) {
      p.err('stdinEnded', { what: p.t(entries[kind][0]!.what), line: 1 });
      return PinExitCode.usage;
    }
    const secrets = await readSecrets(kind, pin, source, terminal, io, p);
    if (!Array.isArray(secrets)) return secrets.exit;

    let aborted = false;
    const confirm = async (warning: LastTryWarning): Promise<boolean> => {
      if (options.stdin) {
        io.stdout(warningText(p, warning) + (options.yesLastTry ? ' ' + p.t('continuingYes') : '') + '\n');
        return options.yesLastTry;
      }
      io.stderr(warningText(p, warning) + ' ' + p.t('continuePrompt'));
      try {
        const answer = (await readAnswerFromTerminal(source, (text) => io.stderr(text))).trim().toLowerCase();
        return ['j', 'ja', 'y', 'yes'].includes(answer);
      } catch (error) {
        if (error instanceof InputAborted) {
          aborted = true;
          return false;
        }
        throw error;
      } finally {
        io.stderr('\n');
      }
    };
    operating.add(connection);
    const outcome = await performPinOperation(connection, requestOf(kind, pin, secrets), { confirm });
    if (outcome.pinCommandSent) sentPinCommand.add(connection);
    if (aborted) {
      p.err('aborted');
      return PinExitCode.interrupted;
    }
    return printOutcome(p, outcome, before.structure, options.stdin);
  } finally {
    dropRawCleanup();
    rawMode?.(false);
    source?.close();
  }
}

/** Connections that got a PIN command: they are disconnected with a card reset. */
const sentPinCommand = new WeakSet<CardConnection>();
/** Connections handed to the core: interrupted there, a PIN command may have gone out. */
const operating = new WeakSet<CardConnection>();

async function release(connection: CardConnection, interrupted = false): Promise<void> {
  const reset = sentPinCommand.has(connection) || (interrupted && operating.has(connection));
  await connection.disconnect(reset ? { resetCard: true } : {}).catch(() => undefined);
}

const pinOptions = {
  pin: { type: 'string' },
  reader: { type: 'string' },
  demo: { type: 'string' },
  'pin-stdin': { type: 'boolean' },
  'yes-last-try': { type: 'boolean' },
} as const;

export const pinCommand: CliCommand = {
  name: 'pin',
  summary: { sv: m.t('summary', 'sv'), en: m.t('summary', 'en') },
  help: (lang) => m.t('help', lang, { cards: demoCardNameList() }),
  run: withUsageErrors(async (args, io) => {
    const p = printer(io);
    // quiet: a PIN typed on the command line by mistake is not printed back in a usage error.
    const { values, positionals } = parseCommandArgs(args, { command: 'pin', options: pinOptions, positionals: true, quiet: true }, io.lang);
    const [kind, ...extra] = positionals;
    if ((kind !== 'test' && kind !== 'change' && kind !== 'unblock') || extra.length > 0) throw new UsageError(p.t('badOperation'));
    const pin = pinNames[(values.pin ?? 'legitimering').toLowerCase()];
    if (!pin) throw new UsageError(p.t('badPin'));
    const stdin = values['pin-stdin'] === true;
    const yesLastTry = values['yes-last-try'] === true;
    if (yesLastTry && !stdin) throw new UsageError(p.t('yesLastTryNeedsStdin'));
    if (!stdin && io.stdin?.().isTTY !== true) {
      p.err('noTerminal');
      return PinExitCode.usage;
    }
    const options: Options = { kind, pin, stdin, yesLastTry };

    const demo = values.demo;
    if (demo !== undefined && !isDemoCardName(demo)) {
      p.err('unknownDemo', { name: demo, cards: demoCardNameList() });
      return PinExitCode.usage;
    }
    // A demo card is in the demo reader: the same way to the card, and the same safety steps, as a real one.
    const openMonitor = demo === undefined ? openReaderMonitor : () => openDemoReaderMonitor(demo);

    const done = await withChosenReader(
      values.reader,
      async (monitor, reader) => {
        let connection: CardConnection;
        try {
          connection = await monitor.connect(reader);
        } catch (e) {
          if (isTransportError(e)) return printTransport(p, e.code);
          throw e;
        }
        // On Ctrl-C or SIGTERM the card is released (reset, when a PIN command may have gone out).
        const dropConnectionCleanup = onInterrupt(() => release(connection, true));
        try {
          return await operateOn(connection, options, io, p);
        } finally {
          dropConnectionCleanup();
          await release(connection);
        }
      },
      openMonitor,
    );
    if (!(done instanceof ReaderProblem)) return done;
    if (done.kind === 'service-down') p.err('serviceDown');
    else if (done.kind === 'no-card') p.err('noCard', { reader: done.reader });
    else p.err(done.kind === 'no-readers' ? 'noReaders' : 'noSuchReader', { reader: done.reader });
    return PinExitCode.unavailable;
  }),
};
