/**
 * pcscd killed and started again while a monitor runs, in the same process: the monitor reports
 * the loss, waits without using CPU, and finds the reader and the card again by itself.
 * It stops the shared pcscd: run under `flock /tmp/kortkoll-pcscd.lock`. It always leaves pcscd running.
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { createPcscReaderMonitor, type PcscReaderMonitor } from '../../native/pcsc/index.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { toHex, type ReaderEvent } from '../../native/transport.js';
import { ECHO_CARD_ATR, EchoCard } from './helpers/echo-card.js';
import { describeWithPcscd, ensurePcscdRunning, startPcscd, stopPcscd, VPCD_READERS } from './helpers/pcscd.js';
import { isEvent, pollUntil, ReaderEventRecorder } from './helpers/reader-events.js';

const READER = VPCD_READERS[1]!;
const OUTAGE_MS = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithPcscd('PC/SC layer when pcscd is killed and started again', () => {
  let monitor: PcscReaderMonitor | undefined;
  let socket: VpcdCardSocket | undefined;

  afterEach(async () => {
    await socket?.remove();
    await monitor?.close();
    socket = undefined;
    monitor = undefined;
    await ensurePcscdRunning();
  });
  afterAll(ensurePcscdRunning);

  it.each(['SIGTERM', 'SIGKILL'] as const)('recovers after %s: service-lost, no CPU while down, then reader and card again within 3 s', async (signal) => {
    const logs: string[] = [];
    monitor = createPcscReaderMonitor({ log: (line) => logs.push(line) });
    const recorder = new ReaderEventRecorder(monitor);
    monitor.start();
    await recorder.waitFor(isEvent('reader-added', READER.name));
    // A card taken out just before (previous test) may still be reported until pcscd's next poll.
    expect(await pollUntil(() => monitor?.readers().find((r) => r.name === READER.name)?.cardPresent === false, 3000)).toBe(true);
    socket = new VpcdCardSocket(new EchoCard(), { port: READER.port, reconnect: true });
    const insertedAt = performance.now();
    await socket.insert();
    await recorder.waitFor(isEvent('card-inserted', READER.name), { since: insertedAt, timeoutMs: 3000 });

    const stoppedAt = performance.now();
    await stopPcscd(signal);
    const lost = await recorder.waitFor(isEvent('service-lost'), { since: stoppedAt, timeoutMs: 3000 });
    expect((lost.event as Extract<ReaderEvent, { type: 'service-lost' }>).error.code).toBe('service-not-running');
    // Everything it knew is reported gone, after the loss.
    const afterLoss = recorder.summary(stoppedAt);
    expect(afterLoss[0], recorder.summary().join(', ')).toBe('service-lost');
    expect(afterLoss, recorder.summary().join(', ')).toContain(`card-removed ${READER.name}`);
    expect(afterLoss).toContain(`card-removed ${READER.name}`);
    expect(afterLoss.indexOf(`card-removed ${READER.name}`)).toBeLessThan(afterLoss.indexOf(`reader-removed ${READER.name}`));
    expect(monitor.serviceAvailable).toBe(false);
    expect(monitor.readers()).toEqual([]);

    // While pcscd is down: the monitor retries on a timer and the card socket reconnects, yet the
    // process stays idle.
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await sleep(OUTAGE_MS);
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = performance.now() - wallBefore;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    expect(monitor.serviceAvailable).toBe(false);

    const launchedAt = await startPcscd();
    const restored = await recorder.waitFor(isEvent('service-restored'), { since: launchedAt, timeoutMs: 3000 });
    const reader = await recorder.waitFor(isEvent('reader-added', READER.name), { since: launchedAt, timeoutMs: 3000 });
    const card = await recorder.waitFor(isEvent('card-inserted', READER.name), { since: launchedAt, timeoutMs: 3000 });
    console.log(
      `${signal}: service-lost after ${(lost.at - stoppedAt).toFixed(0)} ms; CPU during ${wallMs.toFixed(0)} ms outage ` +
        `${cpuMs.toFixed(1)} ms (${((cpuMs / wallMs) * 100).toFixed(2)} %); after pcscd launch: service-restored ` +
        `${(restored.at - launchedAt).toFixed(0)} ms, reader ${(reader.at - launchedAt).toFixed(0)} ms, card ${(card.at - launchedAt).toFixed(0)} ms`,
    );
    expect(cpuMs / wallMs).toBeLessThan(0.1);
    expect(card.at - launchedAt).toBeLessThanOrEqual(3000);
    expect(toHex((card.event as Extract<ReaderEvent, { type: 'card-inserted' }>).atr)).toBe(toHex(ECHO_CARD_ATR));
    expect(recorder.summary(stoppedAt).filter((e) => e === 'service-lost')).toHaveLength(1);
    expect(monitor.serviceAvailable).toBe(true);

    // And the card is usable through the new context.
    const connection = await monitor.connect(READER.name);
    expect(toHex(await connection.transmit(Uint8Array.from([0x80, 0xee, 0x00, 0x00, 0x01, 0x5a])))).toBe('5A9000');
    await connection.disconnect();
    recorder.stop();
  });
});
