/**
 * The one thing the card layer reads from inside a certificate: its keyUsage extension, to tell the
 * authentication certificate from the signature one on cards without a private-key directory.
 * Full X.509 handling belongs to electron/pki.
 */
import { keyUsageBitNames, type KeyUsageName } from '../pki/oids.js';
import { bytesEqual } from '../../native/bytes.js';
import { Pkcs15ParseError } from './errors.js';
import { decodeDer, isContext, isUniversal, readBitFlags, Universal } from './pkcs15/der.js';

const keyUsageOid = Uint8Array.of(0x55, 0x1d, 0x0f); // 2.5.29.15

// RFC 5280's bit order, once: pki/oids.ts has no imports, so the card read path loads no X.509 code for it.
export type CertificateKeyUsage = KeyUsageName;

/** keyUsage bits of a DER certificate; null when it has none or cannot be read. */
export function certificateKeyUsage(der: Uint8Array): CertificateKeyUsage[] | null {
  try {
    const certificate = decodeDer(der, { limits: { maxDepth: 24, maxNodes: 4000 } });
    const tbs = certificate.children[0];
    if (!tbs || !isUniversal(tbs, Universal.sequence)) return null;
    const extensionsWrapper = tbs.children.find((child) => isContext(child, 3) && child.constructed);
    const extensions = extensionsWrapper?.children[0];
    if (!extensions) return null;
    for (const extension of extensions.children) {
      const oid = extension.children[0];
      if (!oid || !isUniversal(oid, 6) || !bytesEqual(oid.content, keyUsageOid)) continue;
      const value = extension.children[extension.children.length - 1];
      if (!value || !isUniversal(value, Universal.octetString)) return null;
      const bits = readBitFlags(decodeDer(value.content), 'keyUsage');
      return bits.map((bit) => keyUsageBitNames[bit]).filter((name) => name !== undefined);
    }
    return null;
  } catch (error) {
    if (error instanceof Pkcs15ParseError) return null;
    throw error;
  }
}

/** SITHS: authentication = digitalSignature (+ keyEncipherment); signature = nonRepudiation. */
export function roleFromCertificateKeyUsage(usage: readonly CertificateKeyUsage[] | null): 'authentication' | 'signature' | undefined {
  if (!usage) return undefined;
  if (usage.includes('keyCertSign')) return undefined;
  if (usage.includes('nonRepudiation') && !usage.includes('keyEncipherment')) return 'signature';
  if (usage.includes('digitalSignature') || usage.includes('keyEncipherment')) return 'authentication';
  return undefined;
}
