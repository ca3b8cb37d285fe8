import { describe, expect, it } from 'vitest';
import { createCommandRunner, createMemoryFileSystem, formatCommandLine, runProbe, type ProbeContext, type SystemProbe } from '../../../native/system/index.js';
import { createScriptedCommandRunner } from '../../../native/system/command-runner.js';

const node = process.execPath;

describe('the real command runner', () => {
  const runner = createCommandRunner({ timeoutMs: 10_000 });

  it('returns output and exit code', async () => {
    const result = await runner.run(node, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    expect(result).toMatchObject({ stdout: 'out', stderr: 'err', exitCode: 3, signal: null, timedOut: false, notFound: false });
  });

  it('kills a child that runs past its timeout and says so', async () => {
    const result = await runner.run(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.exitCode).toBeNull();
  });

  it('reports a missing program as not found, without throwing', async () => {
    const result = await runner.run('kortkoll-no-such-program', ['--version']);
    expect(result.notFound).toBe(true);
    expect(result.exitCode).toBeNull();
  });

  it('passes arguments without a shell', async () => {
    const result = await runner.run(node, ['-e', 'process.stdout.write(process.argv[1])', '$(echo injected) "quoted"']);
    expect(result.stdout).toBe('$(echo injected) "quoted"');
  });

  it('formats command lines with quotes where needed', () => {
    expect(formatCommandLine('reg.exe', ['query', 'HKLM\\A B', '/s'])).toBe('reg.exe query "HKLM\\A B" /s');
    expect(formatCommandLine('x', [''])).toBe('x ""');
  });
});

describe('runProbe', () => {
  const ctx: ProbeContext = {
    platform: 'linux',
    arch: 'x64',
    env: {},
    homeDir: '/home/a',
    run: createScriptedCommandRunner({}),
    fs: createMemoryFileSystem({}),
    commandTimeoutMs: 1000,
    readerNames: null,
    pcscSocketPath: '/nowhere',
  };

  it('turns a throwing probe into a failed result', async () => {
    const probe: SystemProbe = {
      id: 'throws',
      platforms: ['linux'],
      run: async () => {
        throw new Error('boom');
      },
    };
    expect(await runProbe(probe, ctx)).toMatchObject({ probeId: 'throws', status: 'failed', facts: [], message: 'boom' });
  });

  it('gives up on a probe that never answers', async () => {
    const probe: SystemProbe = { id: 'hangs', platforms: ['linux'], timeoutMs: 200, run: () => new Promise(() => {}) };
    expect(await runProbe(probe, ctx)).toMatchObject({ probeId: 'hangs', status: 'timeout', facts: [] });
  });

  it('skips probes of other platforms and marks results with unknown facts partial', async () => {
    const windowsOnly: SystemProbe = { id: 'win', platforms: ['win32'], run: async () => [] };
    expect((await runProbe(windowsOnly, ctx)).status).toBe('skipped');
    const partial: SystemProbe = {
      id: 'p',
      platforms: ['linux'],
      run: async () => [{ key: 'k', value: 'unknown', source: 'file', detail: '/x', note: 'unreadable' }],
    };
    expect((await runProbe(partial, ctx)).status).toBe('partial');
  });
});

describe('the in-memory file system', () => {
  const fs = createMemoryFileSystem({
    '/a/b/c.txt': 'hello',
    '/a/sock': { kind: 'socket' },
    'C:\\Program Files\\Net iD\\iidp11.dll': 'MZ',
  });
  it('knows files, implicit folders, sockets and Windows paths case-insensitively', async () => {
    expect(await fs.kind('/a/b/c.txt')).toBe('file');
    expect(await fs.kind('/a/b')).toBe('directory');
    expect(await fs.kind('/a/sock')).toBe('socket');
    expect(await fs.kind('/a/none')).toBeNull();
    expect(await fs.list('/a')).toEqual(['b', 'sock']);
    expect(await fs.list('/nothing')).toBeNull();
    expect(await fs.kind('c:\\program files\\NET ID\\IIDP11.DLL')).toBe('file');
    expect(await fs.list('C:\\Program Files')).toEqual(['Net iD']);
    expect(await fs.readText('/a/b/c.txt')).toBe('hello');
  });
});
