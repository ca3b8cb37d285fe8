/**
 * The desktop app's PKCS#11 worker runs as an Electron utilityProcess (the packaged app's
 * `runAsNode: false` fuse rules out ELECTRON_RUN_AS_NODE), tested against a mocked `electron`:
 * the worker script is forked with utilityProcess.fork, gets no ELECTRON_RUN_AS_NODE, receives the
 * inspect request, and its result reaches the service's state (the middleware check).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Pkcs11ModuleView } from '../../../native/system/index.js';

const fake = vi.hoisted(() => ({
  forks: [] as { script: string; args: string[]; options: Record<string, unknown>; child: unknown }[],
  answer: null as null | ((child: { emit: (e: string, ...a: unknown[]) => void }, request: unknown) => void),
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  return {
    utilityProcess: {
      fork(script: string, args: string[], options: Record<string, unknown>) {
        const child = Object.assign(new Emitter(), {
          stderr: new Emitter(),
          killed: false,
          kill() {
            child.killed = true;
            setImmediate(() => child.emit('exit', 0));
            return true;
          },
          postMessage(request: unknown) {
            setImmediate(() => fake.answer?.(child, request));
          },
        });
        fake.forks.push({ script, args, options, child });
        return child;
      },
    },
  };
});

const { createUtilityPkcs11Inspector, utilityWorkerPath } = await import('../../../electron/pkcs11-utility.js');
const { createKortkollService } = await import('../../../electron/service.js');

const modulePath = process.execPath; // any existing file stands for the module
const okView = (certificateHashes: string[]): Pkcs11ModuleView => ({
  modulePath,
  status: 'ok',
  durationMs: 1,
  warnings: [],
  info: { cryptokiVersion: '2.20', manufacturerId: 'OpenSC Project', libraryDescription: 'OpenSC smartcard framework', libraryVersion: '0.23' },
  slots: [
    {
      slotId: '0',
      description: 'Virtual PCD 00 00',
      manufacturerId: '',
      flags: 7,
      flagNames: [],
      tokenPresent: true,
      token: {
        label: 'SITHS e-id kort (Legitimering)',
        manufacturerId: '',
        model: 'PKCS#15',
        serialNumber: '1',
        flags: 0,
        flagNames: [],
        userPin: { countLow: false, finalTry: false, locked: false, toBeChanged: false },
        userPinInitialized: true,
        tokenInitialized: true,
        loginRequired: true,
        minPinLength: 6,
        maxPinLength: 8,
        certificates: certificateHashes.map((sha256, i) => ({ label: `cert ${i}`, idHex: String(i), derBase64: 'AA==', sha256 })),
      },
    },
  ],
});

describe('the PKCS#11 worker as a utilityProcess', () => {
  it('forks the built worker script with utilityProcess, without ELECTRON_RUN_AS_NODE, and returns its result', async () => {
    process.env.ELECTRON_RUN_AS_NODE = '1';
    fake.answer = (child, request) => {
      expect(request).toEqual({ type: 'inspect', modulePath, readCertificates: true });
      child.emit('message', { type: 'stage', stage: 'initialize' });
      child.emit('message', { type: 'result', view: okView([]) });
    };
    const view = await createUtilityPkcs11Inspector()(modulePath, { env: { OPENSC_CONF: '/x.conf' } });
    delete process.env.ELECTRON_RUN_AS_NODE;
    expect(view.status).toBe('ok');
    const fork = fake.forks.at(-1)!;
    expect(fork.script).toBe(utilityWorkerPath());
    expect(fork.script).toMatch(/native[\\/]system[\\/]pkcs11[\\/]worker\.js$/);
    expect(fork.options).toMatchObject({ serviceName: 'Kortkoll PKCS#11', stdio: ['ignore', 'ignore', 'pipe'] });
    const env = fork.options.env as Record<string, string>;
    expect(env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(env.OPENSC_CONF).toBe('/x.conf');
  });

  it('a worker that never answers is killed and reported hung at the call it was in', async () => {
    fake.answer = (child) => child.emit('message', { type: 'stage', stage: 'get-slot-list' });
    const view = await createUtilityPkcs11Inspector()(modulePath, { timeoutMs: 50 });
    expect(view).toMatchObject({ status: 'hung', stage: 'get-slot-list', timeoutMs: 50 });
    expect((fake.forks.at(-1)!.child as { killed: boolean }).killed).toBe(true);
  });

  it('a worker that dies is reported crashed', async () => {
    fake.answer = (child) => child.emit('exit', 139);
    expect(await createUtilityPkcs11Inspector()(modulePath)).toMatchObject({ status: 'crashed', exitCode: 139 });
  });

  it('its results reach the service state: the middleware check says the module sees the card', async () => {
    fake.answer = (child) => {
      // The certificates the demo card carries, as the module would list them.
      child.emit('message', { type: 'result', view: okView(service.getState().report!.certificates.map((c) => c.sha256.replace(/:/g, ''))) });
    };
    const inspect = createUtilityPkcs11Inspector();
    const service = createKortkollService({ demoCard: 'netid-legacy', lang: 'en', inspectMiddleware: async () => [await inspect(modulePath)] });
    const seen = new Promise<string>((resolve) =>
      service.subscribe((state) => {
        const check = state.report?.checks.find((c) => c.id === 'middleware');
        if (check?.status === 'ok') resolve(check.summary);
      }),
    );
    await service.start();
    expect(await seen).toMatch(/sees the card/);
    expect(fake.forks.at(-1)!.script).toBe(utilityWorkerPath());
    await service.close();
  });
});
