/**
 * Acceptance (issue 6): a PKCS#11 module that crashes or hangs gives a clear result and the app
 * keeps running. The modules are compiled here from test/fixtures/broken-pkcs11 (needs `cc`);
 * each is loaded by the worker in its own process. No pcscd needed.
 */
import { execFileSync } from 'node:child_process';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareMiddlewareWithCard, inspectPkcs11Module } from '../../native/system/index.js';
import { createSystemCommand } from '../../electron/cli/system-command.js';
import { buildBrokenPkcs11Module } from '../fixtures/broken-pkcs11/build.js';

function compilerReason(): string | undefined {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'no C compiler (cc) to build the broken PKCS#11 modules (Debian: apt-get install gcc)';
  }
}
const reason = process.platform === 'linux' ? compilerReason() : `the broken modules are built for Linux (this is ${process.platform})`;
const IN_CI = process.env.CI === 'true';
if (reason && !IN_CI) console.warn(`\n*** SKIPPING system-pkcs11-broken: ${reason} ***\n`);

describe.skipIf(reason !== undefined && !IN_CI)('a crashing or hanging PKCS#11 module', () => {
  let crashing: string;
  let hanging: string;
  let working: string;

  beforeAll(async () => {
    if (reason) throw new Error(`CI=true and the system is not ready: ${reason}`);
    [crashing, hanging, working] = await Promise.all([
      buildBrokenPkcs11Module('crash-in-get-slot-list'),
      buildBrokenPkcs11Module('hang-in-initialize'),
      buildBrokenPkcs11Module('empty'),
    ]);
  });

  it('the harness itself works: the same module without the fault answers', async () => {
    const view = await inspectPkcs11Module(working);
    expect(view).toMatchObject({ status: 'ok', slots: [], info: { libraryDescription: 'Broken module for tests', cryptokiVersion: '2.40' } });
  });

  it('reports a crash in C_GetSlotList with its signal, and this process lives on', async () => {
    const view = await inspectPkcs11Module(crashing);
    expect(view).toMatchObject({ status: 'crashed', stage: 'get-slot-list', signal: 'SIGSEGV', exitCode: null });
    expect(process.exitCode ?? 0).toBe(0);
    // The middleware view of a crashed module says so rather than "does not see the card".
    expect(compareMiddlewareWithCard(view, [Uint8Array.of(0x30, 0x00)], []).seesCard).toBe('module-failed');
  });

  it('kills a module that hangs in C_Initialize after the timeout and reports it hung', async () => {
    const view = await inspectPkcs11Module(hanging, { timeoutMs: 1_500 });
    expect(view).toMatchObject({ status: 'hung', stage: 'initialize', timeoutMs: 1_500 });
  });

  it('reports a file that is not a PKCS#11 module, and a missing file, as load failures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kortkoll-not-a-module-'));
    const text = join(dir, 'not-a-module.so');
    await writeFile(text, 'this is not a shared library\n');
    expect(await inspectPkcs11Module(text)).toMatchObject({ status: 'load-failed' });
    expect(await inspectPkcs11Module(join(dir, 'missing.so'))).toMatchObject({ status: 'load-failed', message: expect.stringMatching(/no such file/) });
  });

  it('kortkoll system --pkcs11 reports both and still finishes with a result', async () => {
    let stdout = '';
    const command = createSystemCommand({ listReaders: async () => [] });
    const code = await command.run(['--pkcs11', crashing, '--pkcs11', hanging, '--pkcs11-timeout', '1.5'], {
      stdout: (t) => {
        stdout += t;
      },
      stderr: () => {},
      lang: 'en',
      env: process.env,
      interrupted: new Promise(() => {}),
    });
    expect(stdout).toContain(`${crashing}: crashed in C_GetSlotList (signal SIGSEGV); Kortkoll was not affected`);
    expect(stdout).toContain(`${hanging}: did not return from C_Initialize and was stopped after 1.5 s`);
    expect(code).toBe(2);
  });
});
