import { describe, expect, it } from 'vitest';
import { createSystemCommand, formatFactValue, systemFactLabel, systemMessages } from '../../../electron/cli/system-command.js';
import type { CliIo } from '../../../electron/cli/command.js';
import type { Lang } from '../../../electron/i18n/index.js';
import {
  createMemoryFileSystem,
  createScriptedCommandRunner,
  type CollectSystemFactsOptions,
  type Pkcs11ModuleView,
  type SystemFacts,
} from '../../../native/system/index.js';
import { placeholdersOf } from '../../../electron/i18n/index.js';
import { recorded } from './recorded.js';

const SOCKET = '/run/pcscd/pcscd.comm';

function linuxOptions(socket = SOCKET): CollectSystemFactsOptions {
  return {
    platform: 'linux',
    arch: 'x64',
    osRelease: '6.1.0',
    homeDir: '/home/anna',
    pcscSocketPath: socket,
    run: createScriptedCommandRunner({
      'opensc-tool --info': { stdout: recorded('linux', 'opensc-tool-info.txt') },
      'p11-kit list-modules': { notFound: true },
    }),
    fs: createMemoryFileSystem({
      [SOCKET]: { kind: 'socket' },
      '/proc/42/comm': 'pcscd\n',
      '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so': 'ELF',
    }),
    inspectModule: async (path): Promise<Pkcs11ModuleView> =>
      path.includes('crash')
        ? { modulePath: path, status: 'crashed', stage: 'get-slot-list', signal: 'SIGSEGV', exitCode: null, stderrTail: '', durationMs: 5 }
        : { modulePath: path, status: 'hung', stage: 'initialize', timeoutMs: 2_000, durationMs: 2_000 },
  };
}

async function run(args: string[], lang: Lang = 'sv', options: CollectSystemFactsOptions = linuxOptions()) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    lang,
    env: {},
    interrupted: new Promise(() => {}),
  };
  const command = createSystemCommand({ listReaders: async () => ['Virtual PCD 00 00', 'Virtual PCD 00 01'], collectOptions: options });
  const code = await command.run(args, io);
  return { code, stdout, stderr };
}

describe('kortkoll system', () => {
  it('prints the facts in Swedish by default, with sources', async () => {
    const { code, stdout } = await run([]);
    expect(stdout).toContain('Kortkoll – dator och mellanprogram (linux 6.1.0, x64)');
    expect(stdout).toContain('  PC/SC-tjänsten: körs');
    expect(stdout).toContain('  Kortläsare: Virtual PCD 00 00, Virtual PCD 00 01');
    expect(stdout).toContain('  Mellanprogram: OpenSC 0.23.0');
    expect(stdout).toContain('källa: kommando opensc-tool --info');
    expect(code).toBe(0);
  });

  it('prints English with lang en', async () => {
    const { stdout } = await run([], 'en');
    expect(stdout).toContain('  PC/SC service: running');
    expect(stdout).toContain('  OpenSC, PKCS#11 module: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so');
    expect(stdout).not.toContain('körs');
  });

  it('prints plain JSON with --json', async () => {
    const { code, stdout } = await run(['--json']);
    const facts = JSON.parse(stdout) as SystemFacts;
    expect(facts.schemaVersion).toBe(1);
    expect(facts.summary.pcscService).toBe('running');
    expect(facts.summary.readers).toEqual(['Virtual PCD 00 00', 'Virtual PCD 00 01']);
    expect(facts.summary.middleware).toEqual([{ product: 'opensc', version: '0.23.0', pkcs11Module: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so' }]);
    expect(code).toBe(0);
  });

  it('reports pcscd stopped and exits with errors', async () => {
    const { code, stdout } = await run(['--json'], 'sv', linuxOptions('/nonexistent/pcscd.comm'));
    expect((JSON.parse(stdout) as SystemFacts).summary.pcscService).toBe('stopped');
    expect(code).toBe(2);
    const text = await run([], 'en', linuxOptions('/nonexistent/pcscd.comm'));
    expect(text.stdout).toContain('  !! PC/SC service: stopped');
  });

  it('asks the given PKCS#11 modules and says plainly when one hangs or crashes', async () => {
    const { code, stdout } = await run(['--pkcs11', '/tmp/hang.so', '--pkcs11=/tmp/crash.so'], 'en');
    expect(stdout).toContain('/tmp/hang.so: did not return from C_Initialize and was stopped after 2 s');
    expect(stdout).toContain('/tmp/crash.so: crashed in C_GetSlotList (signal SIGSEGV); Kortkoll was not affected');
    expect(code).toBe(2);
  });

  it('asks the modules it found with --pkcs11 auto', async () => {
    const { stdout } = await run(['--json', '--pkcs11', 'auto']);
    expect((JSON.parse(stdout) as SystemFacts).middlewareViews.map((v) => v.modulePath)).toEqual(['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so']);
  });

  it('refuses unknown options and bad timeouts', async () => {
    expect((await run(['--frobnicate'])).code).toBe(64);
    expect((await run(['--pkcs11'])).code).toBe(64);
    expect((await run(['--pkcs11-timeout', 'soon'])).code).toBe(64);
    expect((await run(['extra'])).stderr).toBe('Oväntat argument: extra. Se kortkoll system --help.\n');
  });

  it('uses the readers from PC/SC and falls back when PC/SC cannot list them', async () => {
    let stdout = '';
    const io: CliIo = {
      stdout: (t) => {
        stdout += t;
      },
      stderr: () => {},
      lang: 'en',
      env: {},
      interrupted: new Promise(() => {}),
    };
    const command = createSystemCommand({
      listReaders: async () => {
        throw new Error('the PC/SC service is not available');
      },
      collectOptions: linuxOptions(),
    });
    await command.run(['--json'], io);
    const facts = JSON.parse(stdout) as SystemFacts;
    expect(facts.facts.find((f) => f.key === 'readers.pcsc-error')?.value).toBe('the PC/SC service is not available');
    // opensc-tool is not in the script: the fallback says it is missing, so the list is unknown.
    expect(facts.summary.readers).toBeNull();
  });
});

describe('system fact labels and values', () => {
  it('labels middleware facts per product and translates value tokens', () => {
    expect(systemFactLabel('middleware.siths-eid.version', 'sv')).toBe('SITHS eID-appen, version');
    expect(systemFactLabel('middleware.netid-client', 'en')).toBe('Net iD Client');
    expect(systemFactLabel('some.new.key', 'en')).toBe('some.new.key');
    expect(formatFactValue('not-installed', 'sv')).toBe('inte installerad');
    expect(formatFactValue(true, 'en')).toBe('yes');
    expect(formatFactValue([], 'sv')).toBe('(inga)');
    expect(formatFactValue('6.8.3.21', 'sv')).toBe('6.8.3.21');
  });
  it('has the same placeholders in both languages', () => {
    for (const key of Object.keys(systemMessages.sv) as (keyof typeof systemMessages.sv)[]) {
      expect([key, placeholdersOf(systemMessages.en[key])]).toEqual([key, placeholdersOf(systemMessages.sv[key])]);
    }
  });
});
