/**
 * The PKCS#11 numbers we read (values from the PKCS#11 v2.40 header, pkcs11t.h). Kept here so the
 * parent process never loads the native binding; a unit test checks them against pkcs11js.
 */
export const CKF_TOKEN_PRESENT = 0x1;
export const CKF_REMOVABLE_DEVICE = 0x2;
export const CKF_HW_SLOT = 0x4;

export const CKF_RNG = 0x1;
export const CKF_WRITE_PROTECTED = 0x2;
export const CKF_LOGIN_REQUIRED = 0x4;
export const CKF_USER_PIN_INITIALIZED = 0x8;
export const CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
export const CKF_TOKEN_INITIALIZED = 0x400;
export const CKF_USER_PIN_COUNT_LOW = 0x10000;
export const CKF_USER_PIN_FINAL_TRY = 0x20000;
export const CKF_USER_PIN_LOCKED = 0x40000;
export const CKF_USER_PIN_TO_BE_CHANGED = 0x80000;
export const CKF_SO_PIN_COUNT_LOW = 0x100000;
export const CKF_SO_PIN_FINAL_TRY = 0x200000;
export const CKF_SO_PIN_LOCKED = 0x400000;
export const CKF_SO_PIN_TO_BE_CHANGED = 0x800000;
export const CKF_ERROR_STATE = 0x1000000;

export const CKF_SERIAL_SESSION = 0x4;

export const CKO_CERTIFICATE = 0x1;
export const CKA_CLASS = 0x0;
export const CKA_LABEL = 0x3;
export const CKA_VALUE = 0x11;
export const CKA_ID = 0x102;

const slotFlagNames: [number, string][] = [
  [CKF_TOKEN_PRESENT, 'CKF_TOKEN_PRESENT'],
  [CKF_REMOVABLE_DEVICE, 'CKF_REMOVABLE_DEVICE'],
  [CKF_HW_SLOT, 'CKF_HW_SLOT'],
];

const tokenFlagNames: [number, string][] = [
  [CKF_RNG, 'CKF_RNG'],
  [CKF_WRITE_PROTECTED, 'CKF_WRITE_PROTECTED'],
  [CKF_LOGIN_REQUIRED, 'CKF_LOGIN_REQUIRED'],
  [CKF_USER_PIN_INITIALIZED, 'CKF_USER_PIN_INITIALIZED'],
  [CKF_PROTECTED_AUTHENTICATION_PATH, 'CKF_PROTECTED_AUTHENTICATION_PATH'],
  [CKF_TOKEN_INITIALIZED, 'CKF_TOKEN_INITIALIZED'],
  [CKF_USER_PIN_COUNT_LOW, 'CKF_USER_PIN_COUNT_LOW'],
  [CKF_USER_PIN_FINAL_TRY, 'CKF_USER_PIN_FINAL_TRY'],
  [CKF_USER_PIN_LOCKED, 'CKF_USER_PIN_LOCKED'],
  [CKF_USER_PIN_TO_BE_CHANGED, 'CKF_USER_PIN_TO_BE_CHANGED'],
  [CKF_SO_PIN_COUNT_LOW, 'CKF_SO_PIN_COUNT_LOW'],
  [CKF_SO_PIN_FINAL_TRY, 'CKF_SO_PIN_FINAL_TRY'],
  [CKF_SO_PIN_LOCKED, 'CKF_SO_PIN_LOCKED'],
  [CKF_SO_PIN_TO_BE_CHANGED, 'CKF_SO_PIN_TO_BE_CHANGED'],
  [CKF_ERROR_STATE, 'CKF_ERROR_STATE'],
];

function names(flags: number, table: [number, string][]): string[] {
  return table.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

export function slotFlagNamesOf(flags: number): string[] {
  return names(flags, slotFlagNames);
}

export function tokenFlagNamesOf(flags: number): string[] {
  return names(flags, tokenFlagNames);
}

/** The flag constants by name, for the test that compares them with the binding's. */
export const flagConstants: Readonly<Record<string, number>> = Object.fromEntries([...slotFlagNames, ...tokenFlagNames].map(([v, n]) => [n, v]));
