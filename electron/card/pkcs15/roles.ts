/**
 * Which PIN is for login (authentication), which for signing and which is the PUK, and which
 * certificate goes with which. The structure of the card decides first (the unblockingPin flag,
 * private keys' usage and authId links); labels such as "Legitimering", "Underskrift" and "PUK"
 * only break ties or fill gaps.
 */
import { bytesEqual } from '../../../native/bytes.js';
import type { CertificateObject, KeyUsageFlag, PinObject, PrivateKeyObject } from './types.js';

export type PinRole = 'authentication' | 'signature' | 'puk' | 'other';
export type CertificateRole = 'authentication' | 'signature' | 'authority' | 'unknown';

/** Why a role was given (several may apply), for the IT-support report. */
export type RoleEvidence =
  | 'unblocking-flag'
  | 'unblocks-another-pin'
  | 'so-pin-flag'
  | 'key-usage'
  | 'label'
  | 'only-remaining-pin'
  | 'authority-flag'
  | 'certificate-key-usage'
  /** What every card of its type does (IDPrime: PIN 0x11 is the user PIN). */
  | 'card-type-convention'
  | 'none';

export interface RoleDecision<R> {
  role: R;
  evidence: RoleEvidence[];
}

const authenticationLabel = /legitimering|autenti|authenticat|identifi|inloggning|login|\bauth\b/i;
const signatureLabel = /underskrift|signer|signatur|signing|\bsign\b|non.?repudiation/i;
const pukLabel = /\bpuk\b|unblock|upplåsning|avblockering/i;

export function roleFromLabel(label: string | undefined): Exclude<PinRole, 'other'> | undefined {
  if (!label) return undefined;
  if (pukLabel.test(label)) return 'puk';
  const auth = authenticationLabel.test(label);
  const sign = signatureLabel.test(label);
  if (auth && !sign) return 'authentication';
  if (sign && !auth) return 'signature';
  return undefined;
}

/**
 * SITHS: the authentication key is used with digitalSignature + keyEncipherment (PKCS#15 sign,
 * decrypt/unwrap), the signature key with nonRepudiation.
 */
export function roleFromKeyUsage(usage: readonly KeyUsageFlag[]): 'authentication' | 'signature' | undefined {
  if (usage.includes('nonRepudiation')) return 'signature';
  if (usage.some((flag) => flag === 'sign' || flag === 'signRecover' || flag === 'decrypt' || flag === 'unwrap')) return 'authentication';
  return undefined;
}

/** Two PKCS#15 identifiers (iD, authId) link objects only when both are there: a missing one links nothing. */
export function sameIdentifier(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && bytesEqual(a, b);
}

/** Decides every PIN's role. Returns decisions in the order of `pins`. */
export function assignPinRoles(pins: readonly PinObject[], keys: readonly PrivateKeyObject[]): RoleDecision<PinRole>[] {
  const decisions: RoleDecision<PinRole>[] = pins.map((pin) => {
    const evidence: RoleEvidence[] = [];
    const labelRole = roleFromLabel(pin.common.label);
    if (pin.flags.includes('unblockingPin')) evidence.push('unblocking-flag');
    if (pins.some((other) => other !== pin && sameIdentifier(other.common.authId, pin.authId))) evidence.push('unblocks-another-pin');
    if (evidence.length > 0) {
      if (labelRole === 'puk') evidence.push('label');
      return { role: 'puk', evidence };
    }
    if (pin.flags.includes('soPin')) return { role: 'other', evidence: ['so-pin-flag'] };

    const linkedKeyRoles = keys
      .filter((key) => sameIdentifier(key.common.authId, pin.authId))
      .map((key) => roleFromKeyUsage(key.usage))
      .filter((role) => role !== undefined);
    const keySaysAuth = linkedKeyRoles.includes('authentication');
    const keySaysSign = linkedKeyRoles.includes('signature');
    if (keySaysAuth !== keySaysSign) {
      const role = keySaysAuth ? 'authentication' : 'signature';
      return { role, evidence: labelRole === role ? ['key-usage', 'label'] : ['key-usage'] };
    }
    // No keys, or keys of both kinds behind one PIN: the label decides.
    if (labelRole === 'authentication' || labelRole === 'signature') return { role: labelRole, evidence: ['label'] };
    if (labelRole === 'puk' && linkedKeyRoles.length === 0) return { role: 'puk', evidence: ['label'] };
    if (keySaysAuth) return { role: 'authentication', evidence: ['key-usage'] };
    return { role: 'other', evidence: ['none'] };
  });

  // One PIN left without any evidence and no authentication PIN found: it is the one used to log in.
  if (!decisions.some((d) => d.role === 'authentication')) {
    const undecided = decisions.filter((d) => d.role === 'other' && d.evidence.includes('none'));
    if (undecided.length === 1 && undecided[0]) {
      undecided[0].role = 'authentication';
      undecided[0].evidence = ['only-remaining-pin'];
    }
  }
  return decisions;
}

/** The role of each certificate, from the authority flag and the private key with the same iD. */
export function assignCertificateRoles(
  certificates: readonly CertificateObject[],
  keys: readonly PrivateKeyObject[],
  pins: readonly PinObject[],
  pinRoles: readonly RoleDecision<PinRole>[],
): RoleDecision<CertificateRole>[] {
  return certificates.map((certificate) => {
    if (certificate.authority) return { role: 'authority', evidence: ['authority-flag'] };
    const key = keys.find((candidate) => sameIdentifier(candidate.id, certificate.id));
    if (!key) return { role: 'unknown', evidence: ['none'] };
    const byUsage = roleFromKeyUsage(key.usage);
    if (byUsage) return { role: byUsage, evidence: ['key-usage'] };
    const pinIndex = pins.findIndex((pin) => sameIdentifier(pin.authId, key.common.authId));
    const pinRole = pinIndex >= 0 ? pinRoles[pinIndex]?.role : undefined;
    if (pinRole === 'authentication' || pinRole === 'signature') return { role: pinRole, evidence: pinRoles[pinIndex]?.evidence ?? ['none'] };
    return { role: 'unknown', evidence: ['none'] };
  });
}
