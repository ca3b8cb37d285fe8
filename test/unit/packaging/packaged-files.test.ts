// What would be packaged, computed by electron-builder itself: its real packaging run for a Linux
// deb (file matcher, node-module collector, asar writer, fuse flipper, fpm arguments) on a
// throw-away project, with stand-ins only for the tools it would download. See
// run-electron-builder.mjs and packaging-fixture.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Configuration } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ELECTRON_DEFAULT_FUSES,
  REPO_ROOT,
  SIMULATED_TREE,
  type AsarEntry,
  createProject,
  createStandIns,
  forbiddenReason,
  fpmTargetPrototype,
  fuses,
  loadBuilderConfig,
  makeTempDir,
  readAsarEntries,
  readAsarFile,
  readFuseWire,
  readRepoJson,
  removeDir,
  runElectronBuilder,
} from './packaging-fixture.js';

const PACKAGING_TIMEOUT = 180_000; // electron-builder takes a few seconds; the machine is shared

interface PackagedApp {
  project: string;
  standIns: string;
  asar: string;
  entries: AsarEntry[];
  files: string[];
  fpmArgs: string[];
}

async function packageProject(tree: 'simulated' | 'real'): Promise<PackagedApp> {
  const project = makeTempDir(`package-${tree}`);
  const standIns = makeTempDir('stand-ins');
  createProject(project, tree);
  createStandIns(standIns);
  const result = await runElectronBuilder({ mode: 'linux-deb', projectDir: project, standIns });
  const { version } = readRepoJson<{ version: string }>('package.json');
  expect(result.artifacts?.map((a) => path.basename(a))).toEqual([`kortkoll_${version}_amd64.deb`]);
  const asar = path.join(project, 'release/linux-unpacked/resources/app.asar');
  const entries = readAsarEntries(asar);
  const fpmArgs = JSON.parse(readFileSync(path.join(standIns, 'fpm-args.json'), 'utf8')) as string[];
  return { project, standIns, asar, entries, files: entries.map((e) => e.path), fpmArgs };
}

function cleanUp(app: PackagedApp | undefined): void {
  removeDir(app?.project);
  removeDir(app?.standIns);
}

/** Checks every packaged app must pass, whichever tree it was built from. */
function packagingRules(getApp: () => PackagedApp): void {
  it('contains no test, fixture, TypeScript source, source map or file outside the whitelist', () => {
    const offenders = getApp()
      .files.map((file) => ({ file, reason: forbiddenReason(file) }))
      .filter((o) => o.reason !== null);
    expect(offenders).toEqual([]);
  });

  it('holds exactly the production dependencies of package-lock.json, no development dependency', () => {
    const lock = readRepoJson<{ packages: Record<string, { dev?: boolean }> }>('package-lock.json');
    const production = Object.entries(lock.packages)
      .filter(([key, info]) => key.startsWith('node_modules/') && !key.slice('node_modules/'.length).includes('node_modules/') && info.dev !== true)
      .map(([key]) => key.slice('node_modules/'.length))
      .sort();
    const packaged = [
      ...new Set(
        getApp()
          .files.filter((f) => f.startsWith('node_modules/'))
          .map((f) => {
            const parts = f.split('/');
            return (parts[1] ?? '').startsWith('@') ? `${parts[1]}/${parts[2]}` : (parts[1] as string);
          }),
      ),
    ].sort();
    expect(production).toEqual(expect.arrayContaining(['pcsclite', 'pkcs11js', 'pkijs', 'asn1js']));
    expect(packaged).toEqual(production);
  });

  it('unpacks the native addons next to the asar, where dlopen can load them', () => {
    const app = getApp();
    const addons = app.entries.filter((e) => e.path.endsWith('.node'));
    expect(addons.map((e) => e.path).sort()).toEqual(['node_modules/pcsclite/build/Release/pcsclite.node', 'node_modules/pkcs11js/build/Release/pkcs11.node']);
    for (const addon of addons) {
      expect(addon.unpacked, addon.path).toBe(true);
      expect(existsSync(path.join(`${app.asar}.unpacked`, addon.path)), addon.path).toBe(true);
    }
  });

  it("ships package.json with the project's main entry, which is in the archive", () => {
    const app = getApp();
    const packagedJson = JSON.parse(readAsarFile(app.asar, 'package.json')) as { main: string; type: string };
    expect(packagedJson.main).toBe('dist/electron/main.js');
    expect(packagedJson.type).toBe('module');
    expect(app.files).toContain(packagedJson.main);
  });
}

describe('packaged app, simulated build output (layout of issue 7)', () => {
  let app: PackagedApp | undefined;
  beforeAll(async () => {
    app = await packageProject('simulated');
  }, PACKAGING_TIMEOUT);
  afterAll(() => cleanUp(app));
  const getApp = (): PackagedApp => app as PackagedApp;

  it.each(SIMULATED_TREE.filter((f) => f.ships))('ships $path ($why)', ({ path: file }) => {
    expect(getApp().files).toContain(file);
  });

  it.each(SIMULATED_TREE.filter((f) => !f.ships))('leaves out $path ($why)', ({ path: file }) => {
    expect(getApp().files).not.toContain(file);
  });

  packagingRules(getApp);

  it('electron-builder flipped the fuses in the Electron binary as configured', async () => {
    const config = await loadBuilderConfig();
    const configured = config.electronFuses as NonNullable<Configuration['electronFuses']> & Record<string, boolean | undefined>;
    const wire = readFuseWire(path.join(getApp().project, 'release/linux-unpacked/kortkoll'));
    expect(wire).not.toBe(ELECTRON_DEFAULT_FUSES);
    // electron-builder's option names map to @electron/fuses' FuseV1Options by name.
    const expected = [...ELECTRON_DEFAULT_FUSES].map((defaultState, index) => {
      const fuseName = fuses.FuseV1Options[index] as string;
      const option = fuseName.charAt(0).toLowerCase() + fuseName.slice(1);
      const value = configured[option];
      return value === undefined ? defaultState : value ? '1' : '0';
    });
    expect(wire).toBe(expected.join(''));
    // Spelled out, for the reader: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect,
    // EmbeddedAsarIntegrity, OnlyLoadAppFromAsar, BrowserProcessSpecificV8Snapshot, FileProtocolExtraPrivileges.
    expect(wire).toBe('01001100');
  });

  it("the deb depends on electron-builder's defaults, then pcscd and libpcsclite1", () => {
    const args = getApp().fpmArgs;
    const depends = args.flatMap((arg, i) => (arg === '-d' ? [args[i + 1] as string] : []));
    expect(depends).toEqual([...fpmTargetPrototype.getDefaultDepends.call({}, 'deb'), 'pcscd', 'libpcsclite1']);
    expect(args[args.indexOf('--name') + 1]).toBe('kortkoll');
    expect(args.some((a) => a.endsWith('=/opt/Kortkoll'))).toBe(true);
  });
});

// The same checks on the real `npm run build` output, when there is one. In CI (`npm test` builds
// first) its absence is a failure; on a laptop without a build it is skipped, loudly.
const realBuildPresent = existsSync(path.join(REPO_ROOT, 'dist/electron/main.js'));
if (!realBuildPresent && process.env.CI !== 'true') {
  console.warn('SKIPPED packaged app from the real build output: no dist/electron/main.js here. Run `npm run build` to include it.');
}
describe.runIf(realBuildPresent || process.env.CI === 'true')('packaged app, real build output (dist/, dist/renderer/)', () => {
  let app: PackagedApp | undefined;
  beforeAll(async () => {
    app = await packageProject('real');
  }, PACKAGING_TIMEOUT);
  afterAll(() => cleanUp(app));
  const getApp = (): PackagedApp => app as PackagedApp;

  it.each(['dist/electron/main.js', 'dist/electron/preload.cjs', 'dist/electron/cli.js', 'dist/renderer/index.html', 'bin/kortkoll.js'])(
    'ships the entry point %s',
    (file) => {
      expect(getApp().files).toContain(file);
    },
  );

  it('ships the demo cards of the simulator when the build has them', () => {
    const built = existsSync(path.join(REPO_ROOT, 'dist/native/simulator'));
    expect(getApp().files.some((f) => f.startsWith('dist/native/simulator/'))).toBe(built);
  });

  packagingRules(getApp);
});
