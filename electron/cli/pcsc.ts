/**
 * The CLI's way to the real readers: start the PC/SC monitor and wait until the readers and cards
 * that are already there are reported (pcsclite reports them as events, not at once): each reader
 * says when its first status came (ReaderMonitor.readerReported), so nothing is polled.
 */
import type { ReaderMonitor, ReaderState } from '../../native/transport.js';
import { createPcscReaderMonitor } from '../../native/pcsc/index.js';
import { onInterrupt } from './interrupt.js';

export async function openReaderMonitor(options: { maxMs?: number } = {}): Promise<ReaderMonitor> {
  const monitor: ReaderMonitor = createPcscReaderMonitor();
  const maxMs = options.maxMs ?? 3000;
  // Ready when the service is known to be down, or every reader has reported its first status.
  // Bounded: a command never hangs on a silent service (or a machine without readers, which says
  // so by reporting none).
  await new Promise<void>((resolve) => {
    const unreported = new Set<string>();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(overall);
      unsubscribe();
      resolve();
    };
    const overall = setTimeout(finish, maxMs);
    const unsubscribe = monitor.onEvent((event) => {
      if (event.type === 'service-lost') finish();
      if (event.type !== 'reader-added') return;
      unreported.add(event.reader);
      void monitor.readerReported(event.reader).then(() => {
        unreported.delete(event.reader);
        if (unreported.size === 0) finish();
      });
    });
    monitor.start();
    if (!monitor.serviceAvailable) finish();
  });
  return monitor;
}

export function pickReader(monitor: ReaderMonitor, wanted: string | undefined): { name: string; cardPresent: boolean } | undefined {
  const readers = monitor.readers();
  if (wanted === undefined) return readers.find((r) => r.cardPresent) ?? readers[0];
  if (/^\d+$/.test(wanted)) return readers[Number(wanted)];
  return readers.find((r) => r.name === wanted);
}

/**
 * Asks the reader whether it has a pinpad (FEATURE_VERIFY_PIN_DIRECT), through a short shared
 * connection to the card in it: pcsc-lite sends control codes only through a card handle. true /
 * false; null = could not be asked (no card, the card held exclusively, a transport without
 * pinpad support, an error or no answer within `timeoutMs`). Never throws.
 */
export async function askPinpad(monitor: ReaderMonitor, reader: ReaderState, timeoutMs = 2000): Promise<boolean | null> {
  if (!reader.cardPresent || reader.exclusive) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  const ask = (async (): Promise<boolean | null> => {
    const connection = await monitor.connect(reader.name);
    try {
      if (!connection.pinpad) return null;
      return (await connection.pinpad.features()).verifyPinDirect;
    } finally {
      await connection.disconnect();
    }
  })().catch(() => null);
  try {
    return await Promise.race([ask, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why a command that needs a card in a reader cannot go on (each command says it in its own words). */
export class ReaderProblem {
  constructor(
    readonly kind: 'service-down' | 'no-readers' | 'no-such-reader' | 'no-card',
    /** The reader asked for (`no-such-reader`) or found without a card (`no-card`). */
    readonly reader = '',
  ) {}
}

/**
 * Opens the reader monitor (PC/SC, or the demo reader), picks the reader (`--reader N|NAME`, else the first with a card) and
 * runs `use` while a card is in it; the monitor is closed afterwards and on Ctrl-C/SIGTERM.
 * Connecting, and releasing the card, are the command's own (a PIN operation resets it).
 */
export async function withChosenReader<T>(
  wanted: string | undefined,
  use: (monitor: ReaderMonitor, reader: string) => Promise<T>,
  /** The real readers by default; `--demo` passes the demo reader's monitor (demo-cards.ts). */
  openMonitor: () => Promise<ReaderMonitor> = openReaderMonitor,
): Promise<T | ReaderProblem> {
  const monitor: ReaderMonitor = await openMonitor();
  const dropMonitorCleanup = onInterrupt(() => monitor.close());
  try {
    if (!monitor.serviceAvailable) return new ReaderProblem('service-down');
    const reader = pickReader(monitor, wanted);
    if (!reader) return wanted === undefined ? new ReaderProblem('no-readers') : new ReaderProblem('no-such-reader', wanted);
    if (!reader.cardPresent) return new ReaderProblem('no-card', reader.name);
    return await use(monitor, reader.name);
  } finally {
    dropMonitorCleanup();
    await monitor.close();
  }
}
