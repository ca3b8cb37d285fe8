/**
 * What a PKCS#11 module (the middleware's view of the card) shows without logging in: slots,
 * tokens with their flags, and certificate objects. Plain JSON data: it crosses a process
 * boundary (the worker that loads the module) and goes into reports.
 */

/** Where the worker was when it stopped: says which call hung or crashed. */
export type Pkcs11Stage =
  | 'start'
  | 'load'
  | 'initialize'
  | 'get-info'
  | 'get-slot-list'
  | 'get-slot-info'
  | 'get-token-info'
  | 'open-session'
  | 'find-certificates'
  | 'finalize'
  | 'done';

export interface Pkcs11CertificateObject {
  label: string;
  /** CKA_ID in hex (upper case). */
  idHex: string;
  /** CKA_VALUE: the certificate, DER, base64. Empty when the module would not give it. */
  derBase64: string;
  /** SHA-256 of the DER, hex (upper case); empty when there is no DER. */
  sha256: string;
}

export interface Pkcs11PinFlags {
  countLow: boolean;
  finalTry: boolean;
  locked: boolean;
  toBeChanged: boolean;
}

export interface Pkcs11TokenView {
  label: string;
  manufacturerId: string;
  model: string;
  serialNumber: string;
  flags: number;
  flagNames: string[];
  userPin: Pkcs11PinFlags;
  userPinInitialized: boolean;
  tokenInitialized: boolean;
  loginRequired: boolean;
  minPinLength: number;
  maxPinLength: number;
  certificates: Pkcs11CertificateObject[];
  /** A call for this token failed (e.g. CKR_DEVICE_REMOVED while listing objects). */
  error?: string;
}

export interface Pkcs11SlotView {
  /** The slot ID as the module gave it, decimal. */
  slotId: string;
  description: string;
  manufacturerId: string;
  flags: number;
  flagNames: string[];
  tokenPresent: boolean;
  token: Pkcs11TokenView | null;
  error?: string;
}

export interface Pkcs11ModuleInfo {
  cryptokiVersion: string;
  manufacturerId: string;
  libraryDescription: string;
  libraryVersion: string;
}

interface ViewBase {
  modulePath: string;
  durationMs: number;
}

export type Pkcs11ModuleView =
  | (ViewBase & { status: 'ok'; info: Pkcs11ModuleInfo | null; slots: Pkcs11SlotView[]; warnings: string[] })
  /** The module did not answer in time; the worker was killed. `stage` is the call it was in. */
  | (ViewBase & { status: 'hung'; stage: Pkcs11Stage; timeoutMs: number })
  /** The worker died (a signal such as SIGSEGV, or an exit without a result). */
  | (ViewBase & { status: 'crashed'; stage: Pkcs11Stage; signal: string | null; exitCode: number | null; stderrTail: string })
  /** The file is missing, is not a shared library, or has no C_GetFunctionList. */
  | (ViewBase & { status: 'load-failed'; message: string })
  /** A PKCS#11 call returned an error (e.g. CKR_GENERAL_ERROR from C_Initialize). */
  | (ViewBase & { status: 'error'; stage: Pkcs11Stage; message: string });

export type Pkcs11ViewStatus = Pkcs11ModuleView['status'];

/** Messages from the worker to its parent (over the fork IPC channel). */
export type WorkerMessage = { type: 'stage'; stage: Pkcs11Stage } | { type: 'result'; view: Pkcs11ModuleView };

/** The one message from the parent to the worker. */
export interface WorkerRequest {
  type: 'inspect';
  modulePath: string;
  /** Read certificate values (CKA_VALUE); off only to keep a report small. */
  readCertificates: boolean;
}
