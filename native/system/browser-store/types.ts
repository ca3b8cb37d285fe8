/**
 * What the browser's certificate store holds: the place a browser's certificate picker takes its
 * choices from. Windows: the user's personal store (Cert:\CurrentUser\My). macOS: the smart-card
 * identities of CryptoTokenKit (and keychain identities). Linux: the NSS databases of Chromium
 * (~/.pki/nssdb) and of each Firefox profile, with the PKCS#11 modules registered in them.
 *
 * Plain JSON data: it goes into `kortkoll system --json`, the service state and reports.
 */

export interface StoreCertificate {
  /** SHA-1 of the DER, upper-case hex without separators: what Windows calls the thumbprint. */
  sha1: string;
  /** The subject as the tool printed it (a DN, or a label where the tool gives no DN). Personal. */
  subject: string;
  /** The issuer DN; null where the tool does not say (macOS identities). */
  issuer: string | null;
  /** NotAfter as ISO 8601; null where the tool does not say. */
  notAfter: string | null;
  hasPrivateKey: boolean | null;
  /**
   * The private key lives on a smart card (a smart-card key provider, a CryptoTokenKit token, a
   * PKCS#11 token); false: a software key or none; null: the tool does not say.
   */
  onSmartCard: boolean | null;
  /** The key provider (Windows), token (macOS, NSS) the key or certificate comes from. */
  provider: string | null;
}

/** A PKCS#11 module registered in an NSS database, and what its slots hold. */
export interface NssModule {
  name: string;
  /** The library file; null for NSS's own internal module. */
  library: string | null;
  /** 'internal': NSS's own; 'roots': the built-in root list (libnssckbi / p11-kit-trust); else a card module. */
  kind: 'internal' | 'roots' | 'card';
  /** Token labels of the slots that hold a token (empty: the module sees no card). null: not listed. */
  tokens: string[] | null;
  /** 'loaded', or what modutil said instead (e.g. 'Not loaded'). */
  status: string | null;
}

export type BrowserStoreKind = 'windows-personal' | 'macos-smartcard' | 'macos-keychain' | 'nss';

export interface BrowserStoreView {
  kind: BrowserStoreKind;
  /** Which browsers take their certificates from here (e.g. ['edge', 'chrome'], ['firefox']). */
  browsers: string[];
  /** Where: `Cert:\CurrentUser\My`, a Firefox profile folder, `~/.pki/nssdb`. */
  location: string;
  /** The commands or files that were read, for IT support to repeat the look-up. */
  detail: string;
  /** ok: the store was read; unknown: it could not be (the tool is missing, timed out, gave garbage). */
  status: 'ok' | 'unknown';
  note?: string;
  certificates: StoreCertificate[];
  /** NSS only: the PKCS#11 modules registered in this database. */
  modules?: NssModule[];
}
