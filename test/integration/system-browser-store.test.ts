/**
 * Acceptance (issue 14), Linux for real: will the browser offer the login certificate? An NSS
 * database in a temporary HOME (~/.pki/nssdb, as Chromium uses it) made with `certutil -N`, OpenSC's
 * PKCS#11 module registered with `modutil -add`, the `netid-legacy` virtual card in pcscd (through
 * vpcd; OpenSC reads it with its default driver, hence OPENSC_CONF). The service reads the card
 * over PC/SC, then the browser store through certutil, and the check must:
 * - find the login certificate by its SHA-1 thumbprint;
 * - report a second, stale certificate (same HSA-id and name, imported with `certutil -A`);
 * - report "not registered" once the module is removed (`modutil -delete`);
 * - report that the module sees no card once the card is out.
 *
 * Needs pcscd + vsmartcard-vpcd, OpenSC's PKCS#11 module and libnss3-tools. Skips loudly without
 * pcscd; under CI=true it fails instead. Run under `flock /tmp/kortkoll-rig.lock`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKortkollService } from '../../electron/service.js';
import type { KortkollService } from '../../electron/service-types.js';
import type { AppState } from '../../electron/ipc-contract.js';
import { createPcscReaderMonitor } from '../../native/pcsc/index.js';
import { createVirtualCard } from '../../native/simulator/cards.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { matchBrowserStores, normaliseThumbprint, readBrowserStores, type LoginCertificateIdentity } from '../../native/system/index.js';
import { describeWithPcscd, VPCD_READERS } from './helpers/pcscd.js';

const OPENSC_MODULE = ['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so', '/usr/lib64/opensc-pkcs11.so'].find((p) =>
  existsSync(p),
);
const OPENSC_CONF = fileURLToPath(new URL('../fixtures/opensc.conf', import.meta.url));
const READER = VPCD_READERS[0]!;

/**
 * Asynchronous on purpose: the virtual card answers from this process's event loop, and modutil or
 * certutil loading OpenSC talk to it through pcscd. A synchronous spawn would deadlock them.
 */
function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, OPENSC_CONF } }, (error, stdout, stderr) => {
      if (error)
        reject(
          new Error(
            `${program} ${args.join(' ')}: ${error.message} ${stderr}${(error as NodeJS.ErrnoException).code === 'ENOENT' ? ' (Debian: apt-get install libnss3-tools)' : ''}`,
          ),
        );
      else resolve(stdout);
    });
  });
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

describeWithPcscd('the browser store (NSS) through pcscd + vpcd, OpenSC registered with modutil', () => {
  let home = '';
  let db = '';
  let socket: VpcdCardSocket | undefined;
  let service: KortkollService | undefined;
  let login: LoginCertificateIdentity | undefined;
  const previousConf = process.env.OPENSC_CONF;
  const stores = () => readBrowserStores({ platform: 'linux', homeDir: home });

  beforeAll(async () => {
    if (!OPENSC_MODULE) throw new Error('OpenSC PKCS#11 module not found (Debian package opensc-pkcs11)');
    // certutil and the worker inherit it: OpenSC's default driver reads the netid-legacy card.
    process.env.OPENSC_CONF = OPENSC_CONF;
    home = mkdtempSync(path.join(tmpdir(), 'kortkoll-nss-'));
    db = path.join(home, '.pki', 'nssdb');
    mkdirSync(db, { recursive: true });
    await run('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
    await run('modutil', ['-dbdir', `sql:${db}`, '-add', 'OpenSC', '-libfile', OPENSC_MODULE, '-force']);
    socket = new VpcdCardSocket(await createVirtualCard('netid-legacy'), { port: READER.port });
    await socket.insert();
  });

  afterAll(async () => {
    await service?.close();
    await socket?.remove();
    if (previousConf === undefined) delete process.env.OPENSC_CONF;
    else process.env.OPENSC_CONF = previousConf;
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('finds the login certificate by its SHA-1 thumbprint, on the card token', async () => {
    service = createKortkollService({ monitorFactory: () => createPcscReaderMonitor(), inspectBrowserStores: stores, lang: 'en' });
    await service.start();
    const state = await waitForState(
      service,
      (s) =>
        s.report?.checks.find((c) => c.id === 'browser-store')?.summary.includes('thumbprint') === true ||
        s.report?.checks.find((c) => c.id === 'browser-store')?.status === 'warning',
      60_000,
      'the browser-store check',
    );
    const report = state.report!;
    const cert = report.certificates.find((c) => c.isLoginCertificate)!;
    const check = report.checks.find((c) => c.id === 'browser-store')!;
    console.log(`browser-store: ${check.status}: ${check.summary}\n  ${check.evidence.map((e) => `${e.label}: ${e.value}`).join('\n  ')}`);
    if (check.status !== 'ok') console.log(JSON.stringify(await stores(), null, 1).slice(0, 4000));
    expect(check.status).toBe('ok');
    const held = report.browserStores?.[0]?.certificates.find((c) => c.relation === 'login');
    expect(held?.sha1).toBe(normaliseThumbprint(cert.sha1));
    expect(held?.onSmartCard).toBe(true);
    expect(held?.provider).toMatch(/Legitimering/);
    // The guide's step 3 names the thumbprint and says the browser shows it.
    const step3 = state.guide.steps[2]!;
    expect(step3.detail).toContain(`(thumbprint ${normaliseThumbprint(cert.sha1).slice(0, 2)}:`);
    expect(step3.browser?.shows).toBe(true);
    login = { sha1: cert.sha1, hsaId: report.card?.hsaId ?? null, commonName: cert.subjectCommonName, cardThumbprints: report.certificates.map((c) => c.sha1) };
    await service.close();
    service = undefined;
  }, 90_000);

  it('reports a stale certificate of an earlier card (same HSA-id and name, another thumbprint)', async () => {
    expect(login).toBeDefined();
    const key = path.join(home, 'old.key');
    const pem = path.join(home, 'old.pem');
    const subject = `/CN=${login!.commonName}/serialNumber=${login!.hsaId}/O=Region Stockholm/C=SE`;
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', pem, '-days', '1', '-subj', subject, '-utf8']);
    await run('certutil', ['-A', '-d', `sql:${db}`, '-n', 'Äldre kort', '-t', ',,', '-i', pem]);
    const match = matchBrowserStores(await stores(), login!);
    console.log(JSON.stringify(match.stores.map((s) => ({ outcome: s.outcome, stale: s.stale.map((c) => `${c.subject} ${c.sha1}`) }))));
    expect(match.outcome).toBe('found');
    expect(match.stale).toBe(true);
    expect(match.stores[0]!.stale).toHaveLength(1);
    expect(match.stores[0]!.stale[0]!.onSmartCard).toBe(false);
    await run('certutil', ['-D', '-d', `sql:${db}`, '-n', 'Äldre kort']);
  }, 60_000);

  it('with the module removed from the database, reports "not registered"', async () => {
    await run('modutil', ['-dbdir', `sql:${db}`, '-delete', 'OpenSC', '-force']);
    const match = matchBrowserStores(await stores(), login!);
    expect(match.outcome).toBe('module-not-registered');
    expect(match.stores[0]!.cardModules).toEqual([]);
    await run('modutil', ['-dbdir', `sql:${db}`, '-add', 'OpenSC', '-libfile', OPENSC_MODULE!, '-force']);
  }, 60_000);

  it('with the card out, reports that the module sees no card', async () => {
    await socket?.remove();
    socket = undefined;
    // pcscd notices the removal within its polling interval.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const match = matchBrowserStores(await stores(), login!);
    expect(match.outcome).toBe('module-sees-no-card');
    expect(match.stores[0]!.cardModules).toEqual(['OpenSC']);
  }, 60_000);
});
