/**
 * The slice of the `pcsclite` npm binding that this layer uses, typed, and the one place that
 * loads it. Everything else in native/pcsc talks to these interfaces, so unit tests drive the
 * monitor with a fake binding.
 *
 * How pcsclite 1.0.1 behaves (read from its sources and measured against pcscd 1.9.9):
 * - `pcsclite()` establishes a context synchronously and THROWS when pcscd is not running
 *   (`SCardEstablishContext error: Service not available.(0x8010001d)`).
 * - It then runs one native thread blocked in SCardGetStatusChange on the PnP pseudo-reader and
 *   one per reader; they cost no CPU while waiting.
 * - When pcscd dies, every reader emits 'error' (`RPC transport error (0x80100013)`) then 'end',
 *   and the context emits 'error' with the same code; all threads have then exited. The instance
 *   is dead: a new one must be created once pcscd is back.
 * - `close()` itself makes the context emit 'error' (`Command cancelled (0x80100002)`), so an
 *   'error' listener must stay attached after closing or the process crashes.
 * - A reader's 'status' callback runs while the binding holds that reader's mutex: calling
 *   `reader.close()` from inside a reader event deadlocks. Tear down on a later tick.
 * - Status states carry pcsc-lite's card event counter in the upper 16 bits (pcscd counts each
 *   insertion and removal).
 * - A running watch is NOT woken when another program takes a card exclusively; the first status
 *   of a new context does show SCARD_STATE_EXCLUSIVE.
 * - CardReader keeps one card handle; `connect()` while `connected` is true is a silent no-op.
 * - SCardControl through a vpcd reader (pcscd 1.9.9) fails with SCARD_E_UNSUPPORTED_FEATURE
 *   (`SCardControl error: Feature not supported.(0x8010001f)`) for every control code, including
 *   GET_FEATURE_REQUEST: vpcd readers have no pinpad.
 */
import { createRequire } from 'node:module';

export interface PcscStatus {
  state: number;
  atr?: Uint8Array;
}

export type PcscCallback<T> = (error: Error | null | undefined, value?: T) => void;

export interface PcscReaderHandle {
  readonly name: string;
  connected: boolean;
  on(event: 'status', listener: (status: PcscStatus) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  connect(options: { share_mode: number; protocol: number }, callback: PcscCallback<number>): void;
  disconnect(disposition: number, callback: PcscCallback<void>): void;
  transmit(data: Buffer, maxResponseLength: number, protocol: number, callback: PcscCallback<Buffer>): void;
  /**
   * SCardControl on the connected card handle (pcsclite's `control(data, control_code, res_len, cb)`);
   * fails with "Card Reader not connected" without a handle. Optional: a binding without it has no
   * way to reach a pinpad.
   */
  control?(data: Buffer, controlCode: number, maxResponseLength: number, callback: PcscCallback<Buffer>): void;
  close(): void;
}

export interface PcscContextHandle {
  on(event: 'reader', listener: (reader: PcscReaderHandle) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}

/** Creates a PC/SC context; throws when the service is not reachable. */
export type PcscBinding = () => PcscContextHandle;

/** pcsc-lite's values (identical on Windows and macOS). */
export const SCARD_SHARE_EXCLUSIVE = 1;
export const SCARD_SHARE_SHARED = 2;
export const SCARD_PROTOCOL_T0 = 1;
export const SCARD_PROTOCOL_T1 = 2;
export const SCARD_LEAVE_CARD = 0;
export const SCARD_RESET_CARD = 1;

export const SCARD_STATE_UNAWARE = 0x0000;
export const SCARD_STATE_IGNORE = 0x0001;
export const SCARD_STATE_CHANGED = 0x0002;
export const SCARD_STATE_UNKNOWN = 0x0004;
export const SCARD_STATE_UNAVAILABLE = 0x0008;
export const SCARD_STATE_EMPTY = 0x0010;
export const SCARD_STATE_PRESENT = 0x0020;
export const SCARD_STATE_ATRMATCH = 0x0040;
export const SCARD_STATE_EXCLUSIVE = 0x0080;
export const SCARD_STATE_INUSE = 0x0100;
export const SCARD_STATE_MUTE = 0x0200;
export const SCARD_STATE_UNPOWERED = 0x0400;

/** Names of the flags set in a state, for logs and the IT-support report. */
export function describeStateFlags(state: number): string[] {
  const names: [number, string][] = [
    [SCARD_STATE_IGNORE, 'IGNORE'],
    [SCARD_STATE_CHANGED, 'CHANGED'],
    [SCARD_STATE_UNKNOWN, 'UNKNOWN'],
    [SCARD_STATE_UNAVAILABLE, 'UNAVAILABLE'],
    [SCARD_STATE_EMPTY, 'EMPTY'],
    [SCARD_STATE_PRESENT, 'PRESENT'],
    [SCARD_STATE_ATRMATCH, 'ATRMATCH'],
    [SCARD_STATE_EXCLUSIVE, 'EXCLUSIVE'],
    [SCARD_STATE_INUSE, 'INUSE'],
    [SCARD_STATE_MUTE, 'MUTE'],
    [SCARD_STATE_UNPOWERED, 'UNPOWERED'],
  ];
  return names.filter(([flag]) => (state & flag) !== 0).map(([, name]) => name);
}

/** The real binding, loaded on first use so that importing this layer never needs the addon. */
export function loadPcscliteBinding(): PcscBinding {
  const require = createRequire(import.meta.url);
  const pcsclite = require('pcsclite') as () => PcscContextHandle;
  return () => pcsclite();
}
