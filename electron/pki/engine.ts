import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

/**
 * The pkijs crypto engine. pkijs 4 installs one on import from `globalThis.crypto` (Node 20 and
 * Electron have it); if a runtime lacks the global we install Node's WebCrypto ourselves.
 */
export function cryptoEngine(): pkijs.ICryptoEngine {
  try {
    const existing = pkijs.getCrypto(false);
    if (existing) return existing;
  } catch {
    // no engine registered yet
  }
  pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as Crypto }));
  return pkijs.getCrypto(true);
}
