/** The PC/SC layer: the only code in the project that loads the `pcsclite` binding. */
export { PcscReaderMonitor, createPcscReaderMonitor, watchPcscdSocket, DEFAULT_PCSCD_SOCKET } from './monitor.js';
export type { PcscReaderMonitorOptions } from './monitor.js';
export { PcscCardConnection } from './connection.js';
export {
  loadPcscliteBinding,
  describeStateFlags,
  SCARD_STATE_EMPTY,
  SCARD_STATE_PRESENT,
  SCARD_STATE_EXCLUSIVE,
  SCARD_STATE_INUSE,
  SCARD_STATE_MUTE,
  SCARD_STATE_UNAVAILABLE,
} from './binding.js';
export type { PcscBinding, PcscContextHandle, PcscReaderHandle, PcscStatus } from './binding.js';
export { parsePcscCode, transportErrorForCode, toTransportError, formatPcscCode } from './errors.js';
export { PcscPinpad, pinEntryWatchdogMs, FEATURE_REQUEST_WATCHDOG_MS } from './pinpad.js';
