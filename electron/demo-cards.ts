/**
 * Demo mode: the virtual SITHS cards (native/simulator) as a feature of the app and the CLI, so a
 * person can see what Kortkoll shows without a reader. `real-test-chain` reads files from the
 * developers' shared folder and is for tests only.
 */
import type { ReaderMonitor } from '../native/transport.js';
import { isVirtualCardName, virtualCardNames, type VirtualCardName } from '../native/simulator/card-names.js';
import { DEFAULT_IN_PROCESS_READER_NAME } from '../native/simulator/in-process-transport.js';
import type { ApduEngine } from '../native/simulator/apdu-engine.js';
import type { VirtualCardEndpoint } from '../native/simulator/endpoint.js';
import { VirtualReaderMonitor } from '../native/simulator/virtual-reader-monitor.js';
import type { DemoCardInfo } from './ipc-contract.js';
import { defineMessages, type Lang } from './i18n/index.js';

const testOnlyCards: readonly VirtualCardName[] = ['real-test-chain'];

type DemoCardName = Exclude<VirtualCardName, 'real-test-chain'>;

/** What each demo card shows, in the words of the person choosing one. */
const descriptions = defineMessages<DemoCardName>(
  'demo-cards',
  {
    'netid-legacy': 'Äldre kort med Net iD: SITHS-certifikat för legitimering och underskrift, Telia-certifikat, tre PIN-koder',
    'siths-eid-2024': 'Kort från 2024: ett SITHS-certifikat för legitimering, ingen Telia, ingen underskrift',
    'auth-pin-blocked': 'PIN-koden för legitimering är spärrad',
    'auth-pin-one-try': 'Ett försök kvar på PIN-koden för legitimering',
    'puk-blocked': 'PUK-koden är spärrad (SetCOS-kort: Kortkoll frågar inte efter PUK-räknaren, så det syns inte här)',
    'auth-cert-expired': 'Certifikaten har gått ut',
    'auth-cert-expiring': 'Certifikaten går ut om 10 dagar',
    'telia-only': 'Bara Telia-certifikat, inget SITHS-certifikat',
    'bank-card': 'Ett bankkort: inget e-tjänstekort',
    'corrupt-cdf': 'Kort med skadad certifikatkatalog',
    'test-pki': 'Certifikat från SITHS testmiljö',
    'siths-eid-idprime': 'Thales IDPrime-kort (nyare SITHS eID): SITHS-certifikat för legitimering och underskrift, två PIN-koder',
    'idprime-auth-pin-blocked': 'IDPrime-kort: PIN-koden för legitimering är spärrad',
    'idprime-auth-pin-one-try': 'IDPrime-kort: ett försök kvar på PIN-koden för legitimering',
    'idprime-uncompressed': 'IDPrime-kort med okomprimerade certifikat',
    'idprime-empty-cmapfile': 'IDPrime-kort med tom lista över nyckelbehållare',
    'idprime-strict': 'IDPrime-kort som är strikt med läslängder',
    'idprime-t0': 'IDPrime-kort som svarar i T=0-stil (GET RESPONSE)',
    reservkort: 'Reservkort (Region Stockholm): ett SITHS-certifikat för legitimering',
    'unknown-structure': 'Kort av okänd typ: varken IDPrime eller PKCS#15',
  },
  {
    'netid-legacy': 'Older Net iD card: SITHS certificates for authentication and signing, Telia certificates, three PINs',
    'siths-eid-2024': 'Card from 2024: one SITHS authentication certificate, no Telia, no signing',
    'auth-pin-blocked': 'The authentication PIN is blocked',
    'auth-pin-one-try': 'One try left on the authentication PIN',
    'puk-blocked': 'The PUK is blocked (SetCOS card: Kortkoll does not ask the PUK counter, so it does not show here)',
    'auth-cert-expired': 'The certificates have expired',
    'auth-cert-expiring': 'The certificates expire in 10 days',
    'telia-only': 'Only Telia certificates, no SITHS certificate',
    'bank-card': 'A bank card: not an e-tjänstekort',
    'corrupt-cdf': 'Card with a damaged certificate directory',
    'test-pki': 'Certificates from the SITHS test environment',
    'siths-eid-idprime': 'Thales IDPrime card (newer SITHS eID): SITHS certificates for authentication and signing, two PINs',
    'idprime-auth-pin-blocked': 'IDPrime card: the authentication PIN is blocked',
    'idprime-auth-pin-one-try': 'IDPrime card: one try left on the authentication PIN',
    'idprime-uncompressed': 'IDPrime card with uncompressed certificates',
    'idprime-empty-cmapfile': 'IDPrime card with an empty key container list',
    'idprime-strict': 'IDPrime card that is strict about read lengths',
    'idprime-t0': 'IDPrime card answering T=0 style (GET RESPONSE)',
    reservkort: 'Temporary card (reservkort, Region Stockholm): one SITHS authentication certificate',
    'unknown-structure': 'Card of unknown type: neither IDPrime nor PKCS#15',
  },
);

const demoCardNames: readonly DemoCardName[] = virtualCardNames.filter((name): name is DemoCardName => !testOnlyCards.includes(name));

/** The demo cards with what each shows, in the language of the person choosing one. */
export function demoCards(lang: Lang): DemoCardInfo[] {
  return demoCardNames.map((name) => ({ name, description: descriptions.t(name, lang) }));
}

/** The demo cards' names, for the CLI's help and its "unknown demo card" message. */
export function demoCardNameList(): string {
  return demoCardNames.join(', ');
}

export class UnknownDemoCardError extends Error {
  readonly code = 'unknown-demo-card';
  constructor(name: string) {
    super(`Unknown demo card: ${name}. Known: ${virtualCardNames.join(', ')}`);
  }
}

/** The reader a demo card is in: the name the reports and the app show in demo mode. */
export const demoReaderName = DEFAULT_IN_PROCESS_READER_NAME;

/** A demo card, built and ready to be inserted. */
export interface DemoCard {
  readonly name: string;
  readonly engine: VirtualCardEndpoint;
}

/** Builds the named demo card; rejects with UnknownDemoCardError before anything else happens. */
export async function loadDemoCard(name: string): Promise<DemoCard> {
  if (!isVirtualCardName(name)) throw new UnknownDemoCardError(name);
  // The card builders and the test PKI load only when a demo card is opened.
  const { createVirtualCard } = await import('../native/simulator/cards.js');
  const engine: ApduEngine = await createVirtualCard(name);
  return { name, engine };
}

/**
 * Demo mode as the service sees it: a reader monitor like any other, with one virtual reader
 * (`demoReaderName`) into which the chosen demo card is inserted, swapped or from which it is
 * taken out, with the card events a real reader gives.
 */
export interface DemoReader {
  readonly monitor: ReaderMonitor;
  /** Puts the card into the demo reader (a card already there is taken out first). */
  insert(card: DemoCard): void;
  /** Takes the card out of the demo reader. */
  remove(): void;
}

export function createDemoReader(): DemoReader {
  const monitor = new VirtualReaderMonitor([demoReaderName]);
  return {
    monitor,
    insert: (card) => monitor.insertCard(demoReaderName, card.engine),
    remove: () => monitor.removeCard(demoReaderName),
  };
}

/**
 * The demo reader, started, with the named card in it: what the CLI's card commands (read, probe,
 * pin) open for `--demo` instead of the PC/SC monitor, so that a demo card goes the same way to the
 * card as a real one (reader choice, connect, release). Rejects with UnknownDemoCardError first.
 */
export async function openDemoReaderMonitor(name: string): Promise<ReaderMonitor> {
  const card = await loadDemoCard(name);
  const reader = createDemoReader();
  reader.monitor.start();
  reader.insert(card);
  return reader.monitor;
}

/** Whether `name` is a card `loadDemoCard` knows: commands check `--demo` before they start anything. */
export function isDemoCardName(name: string): boolean {
  return isVirtualCardName(name);
}
