/**
 * Card profiles: which ATR is which card, and what such a card may be asked. The table holds the
 * ATRs from docs/siths-facts.md ("Card generations"); a card that is not in it is still read as
 * PKCS#15, but its PIN counters are reported as unknown instead of probed (some cards count
 * VERIFY without data as a failed attempt).
 */
import { fromHex } from '../../native/bytes.js';
import { parseAtr } from './atr.js';
import { defaultSmartcardListPath, loadSmartcardList, lookUpAtr } from './smartcard-list.js';

export type CardFamily = 'setcos' | 'idprime' | 'unknown';

export interface CardReadHints {
  /** Largest Ne for a short READ BINARY (256 = Le 00). */
  maxShortReadLength: number;
  /** Extended-length READ BINARY: use it, never, or try once and fall back on 67 00. */
  extendedLength: 'yes' | 'no' | 'try';
  /** Largest Ne asked for in one extended READ BINARY (cards have a buffer limit; 67 00 beyond it). */
  maxExtendedReadLength: number;
  /** SELECT by path from the MF (P1 = 08); a card that refuses it is read FID by FID. */
  selectByPath: boolean;
}

export interface CardProfile {
  /** Stable identifier, e.g. `siths-setcos-netid`; `unknown` for a card not in the table. */
  id: string;
  family: CardFamily;
  /** The ATR matched an entry of the table. */
  known: boolean;
  displayName: { sv: string; en: string };
  /**
   * Whether VERIFY without data (00 20 00 ref) may be sent to a PKCS#15 card of this type to read a
   * PIN's try counter (pin-probe-policy.ts decides; an IDPrime structure is probed on its own facts).
   */
  pinCounterProbe: boolean;
  /** Whether that probe is known to be safe for the PUK too. Absent: no (the facts know no such card). */
  pukCounterProbe?: boolean;
  /** Try limits the card does not tell (from the facts: three PIN tries, ten PUK tries). */
  maxTries?: { pin: number; puk: number };
  read: CardReadHints;
  /** Name of the ATR from pcsc-tools' smartcard_list.txt, for cards not in the table. */
  smartcardListName?: string;
}

export interface AtrPattern {
  value: Uint8Array;
  /** Bits that must match; absent means every bit. */
  mask?: Uint8Array;
}

export interface KnownCardEntry {
  atrs: AtrPattern[];
  profile: Omit<CardProfile, 'known' | 'smartcardListName'>;
}

const sithsTries = { pin: 3, puk: 10 };

function exact(hex: string): AtrPattern {
  return { value: fromHex(hex) };
}

/** `..` in the hex stands for a byte that may be anything. */
function masked(hex: string): AtrPattern {
  const bytes = hex.trim().split(/\s+/);
  return {
    value: Uint8Array.from(bytes, (b) => (b === '..' ? 0 : parseInt(b, 16))),
    mask: Uint8Array.from(bytes, (b) => (b === '..' ? 0 : 0xff)),
  };
}

/**
 * The table. Order matters: the first match wins, so exact ATRs come before family patterns.
 * VERIFY without data on the SetCOS SITHS cards is an assumption (the facts mark it unconfirmed;
 * OpenSC's SetCOS driver does not send it): it is allowed here for the authentication and signature
 * PINs so that login-relevant counters are shown, never for the PUK (no `pukCounterProbe`), and the
 * profile is the one place to turn it off.
 */
export const knownCards: readonly KnownCardEntry[] = [
  {
    atrs: [exact('3B7D96000080318065B0A31100C883009000'), exact('3B7D96000080318065B0A31101F383009000')],
    profile: {
      id: 'siths-setcos-netid',
      family: 'setcos',
      displayName: { sv: 'SITHS-kort (Telia EID IP5a, SetCOS, Net iD)', en: 'SITHS card (Telia EID IP5a, SetCOS, Net iD)' },
      pinCounterProbe: true,
      maxTries: sithsTries,
      read: { maxShortReadLength: 0xff, extendedLength: 'no', maxExtendedReadLength: 0, selectByPath: true },
    },
  },
  {
    atrs: [exact('3B7D96000080318065B0A30201F383009000')],
    profile: {
      id: 'setcos-2048-eid',
      family: 'setcos',
      displayName: { sv: 'SetCOS 2048 eID-kort', en: 'SetCOS 2048 eID card' },
      pinCounterProbe: true,
      maxTries: sithsTries,
      read: { maxShortReadLength: 0xff, extendedLength: 'no', maxExtendedReadLength: 0, selectByPath: true },
    },
  },
  {
    atrs: [exact('3B7F96000080318065B0850400111202F0829000')],
    profile: {
      id: 'siths-idprime-reservkort',
      family: 'idprime',
      displayName: { sv: 'Reservkort (Thales IDPrime-familjen)', en: 'Temporary card "reservkort" (Thales IDPrime family)' },
      // OpenSC's IDPrime driver asks IDPrime cards for PIN counters this way.
      pinCounterProbe: true,
      maxTries: sithsTries,
      read: { maxShortReadLength: 256, extendedLength: 'try', maxExtendedReadLength: 2048, selectByPath: true },
    },
  },
  {
    // Other cards with Thales/Gemalto IDPrime-family historical bytes: current SITHS eID cards are
    // likely among them (unconfirmed), and so are many national eID cards: no PIN probing.
    atrs: [masked('3B 7F 96 00 00 80 31 80 65 B0 85 .. .. .. 12 .. .. 82 90 00')],
    profile: {
      id: 'thales-idprime-family',
      family: 'idprime',
      displayName: { sv: 'Thales-kort (IDPrime-familjen)', en: 'Thales card (IDPrime family)' },
      pinCounterProbe: false,
      read: { maxShortReadLength: 256, extendedLength: 'try', maxExtendedReadLength: 2048, selectByPath: true },
    },
  },
];

export function atrMatches(atr: Uint8Array, pattern: AtrPattern): boolean {
  if (atr.length !== pattern.value.length) return false;
  for (let i = 0; i < atr.length; i++) {
    const mask = pattern.mask ? (pattern.mask[i] as number) : 0xff;
    if (((atr[i] as number) & mask) !== ((pattern.value[i] as number) & mask)) return false;
  }
  return true;
}

export interface IdentifyCardOptions {
  /** smartcard_list.txt to name unknown ATRs from; null: do not look. Default: the pcsc-tools path. */
  smartcardListPath?: string | null;
  /** A table to use instead of `knownCards` (tests). */
  table?: readonly KnownCardEntry[];
}

/** The profile of the card with this ATR. Never throws. */
export function identifyCard(atr: Uint8Array, options: IdentifyCardOptions = {}): CardProfile {
  for (const entry of options.table ?? knownCards) {
    if (entry.atrs.some((pattern) => atrMatches(atr, pattern))) return { ...entry.profile, known: true, read: { ...entry.profile.read } };
  }
  return unknownCardProfile(atr, options.smartcardListPath === undefined ? defaultSmartcardListPath : options.smartcardListPath);
}

function unknownCardProfile(atr: Uint8Array, smartcardListPath: string | null): CardProfile {
  const info = parseAtr(atr);
  const profile: CardProfile = {
    id: 'unknown',
    family: 'unknown',
    known: false,
    displayName: { sv: 'Okänt kort', en: 'Unknown card' },
    pinCounterProbe: false,
    read: {
      maxShortReadLength: 256,
      extendedLength: info.cardCapabilities?.extendedLength ? 'try' : 'no',
      maxExtendedReadLength: 2048,
      selectByPath: true,
    },
  };
  if (smartcardListPath) {
    const entries = loadSmartcardList(smartcardListPath);
    const names = entries ? lookUpAtr(atr, entries) : undefined;
    if (names && names[0]) {
      profile.smartcardListName = names[0];
      profile.displayName = { sv: `Okänt kort (${names[0]})`, en: `Unknown card (${names[0]})` };
    }
  }
  return profile;
}
