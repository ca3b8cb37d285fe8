/**
 * The card report through the real pcscd with a virtual card in vpcd's reader: `kortkoll probe`
 * and the service's probeCard (behind "Rapportera kortet") connect in shared mode, send only SELECT
 * and GET DATA, and let the card go; with no card, probe exits 69.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createKortkollService } from '../../electron/service.js';
import type { KortkollService } from '../../electron/service-types.js';
import { createPcscReaderMonitor } from '../../native/pcsc/index.js';
import { createVirtualCard } from '../../native/simulator/cards.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { describeWithPcscd, ensurePcscdRunning } from './helpers/pcscd.js';
import { runKortkoll } from '../unit/cli/cli-helpers.js';

const reader0 = 'Virtual PCD 00 00';

async function waitUntilPcscSees(reader: string, present: boolean): Promise<void> {
  const monitor = createPcscReaderMonitor();
  monitor.start();
  try {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (monitor.readers().some((r) => r.name === reader && r.cardPresent === present)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`pcscd did not report ${reader} as ${present ? 'holding a card' : 'empty'}`);
  } finally {
    await monitor.close();
  }
}

describeWithPcscd('the card report through pcscd + vpcd', () => {
  let service: KortkollService | null = null;
  const sockets: VpcdCardSocket[] = [];

  beforeAll(async () => {
    await ensurePcscdRunning();
  });
  afterEach(async () => {
    await service?.close();
    service = null;
    for (const socket of sockets.splice(0)) await socket.remove().catch(() => undefined);
  });
  afterAll(async () => {
    await ensurePcscdRunning();
  });

  it('kortkoll probe --json --reader "Virtual PCD 00 00": the eight probes, only SELECT/GET DATA/GET RESPONSE at the card; no card: 69', async () => {
    const engine = await createVirtualCard('unknown-structure');
    const socket = new VpcdCardSocket(engine, { port: 35963 });
    sockets.push(socket);
    await socket.insert();
    await waitUntilPcscSees(reader0, true);
    engine.clearApduLog();

    const { code, stdout } = await runKortkoll(['probe', '--json', '--reader', reader0]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.reader).toBe(reader0);
    expect(report.atr.hex).toBe('3B7F96000080318065B08506002A1202F0829000');
    expect(report.probes).toHaveLength(8);
    expect(report.structureGuess).toBe('unknown');
    const instructions = new Set(engine.apduLog.map((entry) => entry.command[1]));
    for (const ins of instructions) expect([0xa4, 0xca, 0xc0]).toContain(ins);
    for (const pin of engine.pinStatuses()) expect(pin.triesLeft).toBe(pin.maxTries);

    await socket.remove();
    sockets.splice(0);
    await waitUntilPcscSees(reader0, false);
    const empty = await runKortkoll(['probe', '--reader', reader0]);
    expect(empty.code).toBe(69);
  });

  it('the service reports the card it diagnosed as unknown, in its own shared connection', async () => {
    const engine = await createVirtualCard('unknown-structure');
    const socket = new VpcdCardSocket(engine, { port: 35963 });
    sockets.push(socket);
    await socket.insert();
    await waitUntilPcscSees(reader0, true);
    service = createKortkollService({ monitorFactory: () => createPcscReaderMonitor(), smartcardListPath: null });
    await service.start();
    const deadline = Date.now() + 10_000;
    while (service.getState().report?.verdict.status !== 'unknown-card' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(service.getState().report?.verdict.status).toBe('unknown-card');
    engine.clearApduLog();
    const report = await service.probeCard();
    expect(report.reader).toBe(reader0);
    expect(report.probes.map((p) => p.statusWord)).toEqual(
      Array(8)
        .fill(null)
        .map((_, i) => (i === 2 || i === 3 ? '6D00' : '6A82')),
    );
    for (const entry of engine.apduLog) expect([0xa4, 0xca, 0xc0]).toContain(entry.command[1]);
  });
});
