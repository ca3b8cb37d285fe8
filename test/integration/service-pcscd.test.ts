/**
 * The application service and the CLI against the real pcscd with a virtual card in vpcd's reader:
 * what staff see when they insert, remove and swap cards.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createKortkollService } from '../../electron/service.js';
import type { KortkollService } from '../../electron/service-types.js';
import type { AppState } from '../../electron/ipc-contract.js';
import { createPcscReaderMonitor } from '../../native/pcsc/index.js';
import { createVirtualCard } from '../../native/simulator/cards.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { describeWithPcscd, ensurePcscdRunning, startPcscd, stopPcscd } from './helpers/pcscd.js';
import { runKortkoll } from '../unit/cli/cli-helpers.js';
import { runCli } from '../../electron/cli.js';
import { parseCertificate } from '../../electron/pki/parse.js';

const reader0 = 'Virtual PCD 00 00';

/** pcscd polls vpcd for the card: wait until PC/SC itself reports it, as a user would wait for the LED. */
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

function waitForState(service: KortkollService, done: (s: AppState) => boolean, timeoutMs: number, what: string): Promise<AppState> {
  return new Promise((resolve, reject) => {
    if (done(service.getState())) return resolve(service.getState());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}; state: ${service.getState().phase}`));
    }, timeoutMs);
    const off = service.subscribe((s) => {
      if (done(s)) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    });
  });
}

describeWithPcscd('the service and the CLI through pcscd + vpcd', () => {
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

  it('insert → reading → complete diagnosis; remove → no card; a different card → its own diagnosis, nothing left over', async () => {
    service = createKortkollService({ monitorFactory: () => createPcscReaderMonitor(), smartcardListPath: null });
    const phases: AppState['phase'][] = [];
    service.subscribe((s) => phases.push(s.phase));
    await service.start();
    await waitForState(service, (s) => s.phase === 'no-card', 5000, 'no card');

    const first = new VpcdCardSocket(await createVirtualCard('netid-legacy'), { port: 35963 });
    sockets.push(first);
    await first.insert();
    const ready = await waitForState(service, (s) => s.phase === 'ready', 10_000, 'the first diagnosis');
    expect(phases).toContain('reading');
    expect(phases.indexOf('reading')).toBeLessThan(phases.lastIndexOf('ready'));
    expect(ready.report?.card?.reader).toBe(reader0);
    expect(ready.report?.verdict.status).toBe('ready');
    expect(ready.report?.certificates).toHaveLength(5);
    expect(ready.guide.steps[0]?.status).toBe('done');
    const firstHsaId = ready.report?.card?.hsaId;
    expect(firstHsaId).toBeTruthy();

    await first.remove();
    const removed = await waitForState(service, (s) => s.phase === 'no-card', 5000, 'no card after removal');
    expect(removed.report?.card).toBeNull();
    expect(removed.report?.certificates).toEqual([]);
    expect(removed.lastEvent?.kind).toBe('card-removed');

    const second = new VpcdCardSocket(await createVirtualCard('auth-pin-blocked'), { port: 35963 });
    sockets.push(second);
    await second.insert();
    const blocked = await waitForState(service, (s) => s.phase === 'ready', 10_000, 'the second diagnosis');
    expect(blocked.report?.verdict.status).toBe('blocked');
    expect(blocked.report?.checks.find((c) => c.id === 'auth-pin')?.status).toBe('error');
    expect(blocked.guide.steps[3]?.status).toBe('blocked');
    // Nothing from the first card: its PIN counters said 3 tries left.
    expect(blocked.report?.pins.find((p) => p.role === 'authentication')?.blocked).toBe(true);
  });

  it('kortkoll read --json through PC/SC prints the same certificates and counters as the demo card', async () => {
    const engine = await createVirtualCard('netid-legacy');
    const socket = new VpcdCardSocket(engine, { port: 35963 });
    sockets.push(socket);
    await socket.insert();
    await waitUntilPcscSees(reader0, true);
    const viaPcsc = await runKortkoll(['read', '--json', '--reader', reader0]);
    expect(viaPcsc.stderr).toBe('');
    expect(viaPcsc.code).toBe(0);
    const demo = await runKortkoll(['read', '--json', '--demo', 'netid-legacy']);
    const a = JSON.parse(viaPcsc.stdout);
    const b = JSON.parse(demo.stdout);
    expect(a.reader).toBe(reader0);
    expect(a.certificates.map((c: { label: string }) => c.label)).toEqual(b.certificates.map((c: { label: string }) => c.label));
    // Each card's certificates are minted relative to the moment it was built, so compare what they say.
    const describe = (r: { certificates: { derBase64: string; role: string }[] }) =>
      r.certificates.map((c) => {
        const info = parseCertificate(Buffer.from(c.derBase64, 'base64'));
        return `${c.role}|${info.subject.display}|${info.issuer.display}|${info.keyUsage?.join(',')}`;
      });
    expect(describe(a)).toEqual(describe(b));
    const counters = (r: { pins: { role: string; triesLeft: number; maxTries: number }[] }) =>
      r.pins.map((p) => `${p.role}:${p.triesLeft}/${p.maxTries}`).sort();
    expect(counters(a)).toEqual(counters(b));
    // The PUK counter is not asked on SetCOS cards (not known to be harmless).
    expect(counters(a)).toEqual(['authentication:3/3', 'puk:unknown/10', 'signature:3/3']);
  });

  it('kortkoll readers lists the virtual readers and the card with its ATR', async () => {
    const socket = new VpcdCardSocket(await createVirtualCard('siths-eid-2024'), { port: 35964 });
    sockets.push(socket);
    await socket.insert();
    await waitUntilPcscSees('Virtual PCD 00 01', true);
    const { code, stdout } = await runKortkoll(['readers', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.service).toBe('running');
    const second = result.readers.find((r: { name: string }) => r.name === 'Virtual PCD 00 01');
    expect(second.cardPresent).toBe(true);
    expect(second.atr).toBe('3B7F96000080318065B0850400111202F0829000');
  });

  it('pcscd stopped: the diagnosis says the service is not running and what to do; back: the card is read again', async () => {
    const socket = new VpcdCardSocket(await createVirtualCard('siths-eid-2024'), { port: 35963, reconnect: true });
    sockets.push(socket);
    await socket.insert();
    service = createKortkollService({ monitorFactory: () => createPcscReaderMonitor(), smartcardListPath: null });
    await service.start();
    await waitForState(service, (s) => s.phase === 'ready', 10_000, 'the card before the outage');
    try {
      await stopPcscd('SIGTERM');
      const down = await waitForState(service, (s) => s.phase === 'no-service', 5000, 'no service');
      expect(down.report?.verdict.status).toBe('no-service');
      const check = down.report?.checks.find((c) => c.id === 'pcsc-service');
      expect(check?.status).toBe('error');
      expect(check?.remedy?.contact).toBe('local-it');
      expect(down.report?.checks.find((c) => c.id === 'readers')?.status).toBe('not-run');
      expect(down.guide.steps[0]?.status).toBe('blocked');
      expect(down.report?.card).toBeNull();
    } finally {
      await startPcscd();
    }
    const back = await waitForState(service, (s) => s.phase === 'ready', 10_000, 'the card after pcscd came back');
    expect(back.report?.verdict.status).toBe('ready');
    expect(back.lastEvent?.kind).toMatch(/card-inserted|service-restored/);
  });

  it('kortkoll watch --json prints reader and card events as they happen, and stops on Ctrl-C', async () => {
    let stdout = '';
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const watching = runCli(['watch', '--json'], { stdout: (text) => (stdout += text), stderr: () => undefined, env: {}, interrupted });
    const events = () =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; reader?: string; atr?: string });
    const until = async (what: (e: { type: string; reader?: string }) => boolean) => {
      const deadline = Date.now() + 5000;
      while (!events().some(what)) {
        if (Date.now() > deadline) throw new Error(`watch printed no such event; got ${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    await until((e) => e.type === 'reader-added' && e.reader === 'Virtual PCD 00 01');
    const socket = new VpcdCardSocket(await createVirtualCard('siths-eid-2024'), { port: 35964 });
    sockets.push(socket);
    await socket.insert();
    await until((e) => e.type === 'card-inserted' && e.reader === 'Virtual PCD 00 01');
    expect(events().find((e) => e.type === 'card-inserted')?.atr).toBe('3B7F96000080318065B0850400111202F0829000');
    await socket.remove();
    await until((e) => e.type === 'card-removed' && e.reader === 'Virtual PCD 00 01');
    interrupt();
    expect(await watching).toBe(0);
  });

  it('kortkoll guide: the first frame says it is looking for readers, then the steps; never "no card reader" while the readers report', async () => {
    let stdout = '';
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const guiding = runCli(['guide'], { stdout: (text) => (stdout += text), stderr: () => undefined, env: {}, interrupted });
    const deadline = Date.now() + 5000;
    while (!stdout.includes('1. [')) {
      if (Date.now() > deadline) throw new Error(`guide printed no steps; got ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    interrupt();
    expect(await guiding).toBe(0);
    const looking = stdout.indexOf('Kortkoll letar efter kortläsare …');
    expect(looking, stdout).toBeGreaterThan(-1);
    expect(looking).toBeLessThan(stdout.indexOf('1. ['));
    expect(stdout).not.toContain('Ingen kortläsare hittades');
    expect(stdout).toContain('1. [gör nu] Sätt i kortet');
  });

  it('kortkoll diag --pkcs11: says plainly whether the middleware (OpenSC) sees the card, and that it gives no counters', async () => {
    const opensc = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
    const previous = process.env.OPENSC_CONF;
    // OpenSC binds PKCS#15 to a card it does not know only with the default driver enabled.
    process.env.OPENSC_CONF = new URL('../fixtures/opensc.conf', import.meta.url).pathname;
    try {
      const socket = new VpcdCardSocket(await createVirtualCard('auth-pin-one-try'), { port: 35963 });
      sockets.push(socket);
      await socket.insert();
      await waitUntilPcscSees(reader0, true);
      const { stdout } = await runKortkoll(['diag', '--json', '--pkcs11', opensc]);
      const report = JSON.parse(stdout);
      const middleware = report.checks.find((c: { id: string }) => c.id === 'middleware');
      expect(middleware.status, JSON.stringify(middleware)).toBe('ok');
      expect(middleware.summary).toContain('ser kortet');
      const moduleFact = middleware.evidence.find((e: { key: string }) => e.key === 'middlewareModule');
      expect(moduleFact).toEqual(expect.objectContaining({ label: 'opensc-pkcs11.so', value: 'ser kortet: alla certifikat' }));
      // The card says one try left; OpenSC sets no PIN flags for this card type: no guessing.
      const pins = middleware.evidence.find((e: { key: string }) => e.key === 'middlewarePins');
      expect(pins.value).toContain('Legitimering: mellanprogrammet ger inga räknare');
      expect(report.checks.find((c: { id: string }) => c.id === 'auth-pin').status).toBe('warning');
    } finally {
      if (previous === undefined) delete process.env.OPENSC_CONF;
      else process.env.OPENSC_CONF = previous;
    }
  });
});
