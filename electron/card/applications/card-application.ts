/**
 * What every card structure answers, in the way yubikit's application sessions do: an object
 * made once the structure is confirmed on the card, which lists what the card holds, reads one
 * certificate, asks one PIN's try counter, and tells the token's label and serial. `readCard` keeps
 * only the login order on top of it, so it is the same for PKCS#15 and Thales IDPrime cards.
 */
import type {
  CardApplicationInfo,
  CardPin,
  CardPrivateKey,
  CardReadNote,
  CardStructure,
  CardTokenInfo,
  CertificateRole,
  CertificateSource,
  RoleEvidence,
  StructureProbe,
} from '../card-read-result.js';

/** A certificate as the card's directory lists it, before its bytes are read. */
export interface ListedCertificate {
  label: string | null;
  /** Identifier linking it to its key (PKCS#15 iD, or the IDPrime container), as hex. */
  id: string;
  authority: boolean;
  /** The structure's view; `unknown` until the certificate's own key usage is looked at. */
  role: CertificateRole;
  roleEvidence: RoleEvidence[];
  /** Index in `pins` of the PIN that protects its private key, when the structure says. */
  pinIndex: number | null;
  source: CertificateSource;
}

/** A PIN object as the structure describes it; the counter is asked separately. */
export type ListedPin = Omit<CardPin, 'triesLeft' | 'maxTries' | 'blocked' | 'verified' | 'counter'>;

export interface ApplicationObjects {
  certificates: ListedCertificate[];
  pins: ListedPin[];
  privateKeys: CardPrivateKey[];
}

export interface ReadCertificate {
  der: Uint8Array;
  /** The listed source, completed with what only reading tells (e.g. stored compressed). */
  source: CertificateSource;
}

/** What VERIFY without data said about one PIN. */
export interface PinCounterReading {
  triesLeft: number | 'unknown';
  blocked: boolean | 'unknown';
  verified: boolean | 'unknown';
  statusWord: string | null;
}

export interface CardApplication {
  readonly structure: CardStructure;
  readonly info: CardApplicationInfo;
  /** The probes that confirmed this structure (and those that found nothing before it). */
  readonly probes: StructureProbe[];
  /** Directories or index: what is on the card. Called once, before anything else; `onStage` names the step under way. */
  listObjects(onStage?: (stage: 'object-directory' | 'directories') => void): Promise<ApplicationObjects>;
  /** Tells the application that every certificate will be read now (files shared by several are then read in one go). */
  prepareToReadAllCertificates(): void;
  /** The DER of the certificate at this index of `listObjects().certificates`, and where it was found. */
  readCertificate(index: number): Promise<ReadCertificate>;
  /** VERIFY without data for the PIN at this index. Only called when the PIN probe policy allows it. */
  readPinCounter(index: number): Promise<PinCounterReading>;
  /**
   * Sends one PIN command (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER: `ins`, `p1`, P2 = that
   * PIN's reference) with the PIN's DF current, and wipes `data` once sent. Resolves with the status
   * word. Only pin/pin-operations.ts calls it, after its safety rules.
   */
  sendPinCommand(index: number, command: { ins: number; p1: number; data: Uint8Array }): Promise<number>;
  /**
   * Makes the PIN's DF current for a PIN command the reader sends itself (secure PIN entry on a
   * pinpad), and resolves with the PIN's reference for its P2.
   */
  prepareForReaderPinCommand(index: number): Promise<number>;
  readTokenInfo(): Promise<CardTokenInfo | null>;
  /** Anything else worth knowing that login does not need (application label, applet version). */
  readDetails(): Promise<void>;
  /** What the application learnt about the card on the way, for the report. */
  notes(): CardReadNote[];
}
