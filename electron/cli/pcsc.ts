/**
 * The CLI's way to the real readers: start the PC/SC monitor and give it a moment to report the
 * readers and cards that are already there (pcsclite reports them as events, not at once).
 */
import type { ReaderMonitor } from '../../native/transport.js';
import { createPcscReaderMonitor } from '../../native/pcsc/index.js';

export async function openReaderMonitor(options: { quietMs?: number; maxMs?: number } = {}): Promise<ReaderMonitor> {
  const monitor = createPcscReaderMonitor();
  const quietMs = options.quietMs ?? 250;
  const maxMs = options.maxMs ?? 2000;
  await new Promise<void>((resolve) => {
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      clearTimeout(overall);
      unsubscribe();
      resolve();
    };
    const restartQuiet = () => {
      clearTimeout(quiet);
      quiet = setTimeout(done, quietMs);
    };
    const overall = setTimeout(done, maxMs);
    const unsubscribe = monitor.onEvent(restartQuiet);
    monitor.start();
    restartQuiet();
  });
  return monitor;
}

export function pickReader(monitor: ReaderMonitor, wanted: string | undefined): { name: string; cardPresent: boolean } | undefined {
  const readers = monitor.readers();
  if (wanted === undefined) return readers.find((r) => r.cardPresent) ?? readers[0];
  if (/^\d+$/.test(wanted)) return readers[Number(wanted)];
  return readers.find((r) => r.name === wanted);
}
