/**
 * macOS probes. PC/SC is built into macOS (CryptoTokenKit's ctkpcscd starts on demand), so
 * "available" is what we can say about the service; what matters more is which token drivers
 * and middleware apps are installed.
 */
import { commandFailure, fact, unknownFact } from '../facts.js';
import { FactKeys, middlewareKey, middlewareModuleKey, middlewarePathKey, middlewareVersionKey, type MiddlewareProduct } from '../fact-keys.js';
import { classifyDisplayName } from '../windows/parse.js';
import { readerFacts } from '../readers.js';
import type { ProbeContext, SystemFact, SystemProbe } from '../types.js';
import { parseDefaultsReadValue, parsePluginkitList, parseSystemProfilerSmartCards, parseXmlInfoPlist } from './parse.js';

export const macPcscProbe: SystemProbe = {
  id: 'macos.pcsc',
  platforms: ['darwin'],
  timeoutMs: 25_000,
  async run(ctx) {
    const facts: SystemFact[] = [];
    // system_profiler can be slow on a busy machine.
    const profiler = await ctx.run.run('system_profiler', ['SPSmartCardsDataType'], { timeoutMs: 15_000 });
    const failure = commandFailure(profiler);
    const parsed = failure ? { kind: 'unknown' as const, note: failure } : parseSystemProfilerSmartCards(profiler.stdout);
    if (parsed.kind === 'unknown') {
      facts.push(unknownFact(FactKeys.pcscServiceState, 'command', profiler.commandLine, parsed.note));
    } else {
      facts.push(
        fact(FactKeys.pcscServiceState, 'available', 'command', profiler.commandLine, {
          assessment: 'ok',
          note: `${parsed.readers.length} reader(s), ${parsed.tokenDrivers.length} token driver(s)`,
        }),
      );
      // The readers probe uses the PC/SC layer's list when it has one; else this is the list.
      if (ctx.readerNames === null) facts.push(...readerFacts(parsed.readers, 'command', profiler.commandLine));
    }
    const pluginkit = await ctx.run.run('pluginkit', ['-m', '-p', 'com.apple.ctk-tokens']);
    const pluginFailure = commandFailure(pluginkit);
    const plugins = pluginFailure ? { kind: 'unknown' as const, note: pluginFailure } : parsePluginkitList(pluginkit.stdout);
    facts.push(
      plugins.kind === 'unknown'
        ? unknownFact(FactKeys.macTokenDrivers, 'command', pluginkit.commandLine, plugins.note)
        : fact(
            FactKeys.macTokenDrivers,
            plugins.plugins.map((p) => `${p.bundleId} ${p.version}${p.election === '-' ? ' (disabled)' : ''}`),
            'command',
            pluginkit.commandLine,
          ),
    );
    return facts;
  },
};

/** Where PKCS#11 modules are looked for inside an app bundle. */
const bundleModuleFolders = ['Contents/Frameworks', 'Contents/Resources', 'Contents/MacOS', 'Contents/lib'];
const moduleFilePattern = /(iidp11|pkcs11)[^/]*\.(dylib|so)$/i;

/**
 * Known module files outside app bundles: OpenSC's macOS installer puts its module under
 * /Library/OpenSC; SafeNet Authentication Client puts libeTPkcs11.dylib in /usr/local/lib.
 */
const knownModuleFiles: Partial<Record<MiddlewareProduct, string[]>> = {
  opensc: ['/Library/OpenSC/lib/opensc-pkcs11.so', '/opt/homebrew/lib/opensc-pkcs11.so', '/usr/local/lib/opensc-pkcs11.so'],
  'safenet-sac': ['/usr/local/lib/libeTPkcs11.dylib'],
  'siths-eid': ['/usr/local/lib/libeTPkcs11.dylib'],
};

async function bundleVersionFact(ctx: ProbeContext, key: string, appPath: string): Promise<SystemFact> {
  const plistPath = `${appPath}/Contents/Info.plist`;
  const text = await ctx.fs.readText(plistPath);
  const info = text === null ? null : parseXmlInfoPlist(text);
  if (info?.shortVersion) return fact(key, info.shortVersion, 'file', plistPath);
  // Binary plists (and XML ones without the key): ask `defaults`, which reads both.
  const result = await ctx.run.run('defaults', ['read', `${appPath}/Contents/Info`, 'CFBundleShortVersionString']);
  const failure = commandFailure(result);
  if (failure) return unknownFact(key, 'command', result.commandLine, failure);
  const parsed = parseDefaultsReadValue(result.stdout, result.exitCode);
  return typeof parsed === 'string' ? fact(key, parsed, 'command', result.commandLine) : unknownFact(key, 'command', result.commandLine, parsed.note);
}

async function findModuleInBundle(ctx: ProbeContext, appPath: string): Promise<string | null> {
  for (const folder of bundleModuleFolders) {
    const names = await ctx.fs.list(`${appPath}/${folder}`);
    const match = names?.find((name) => moduleFilePattern.test(name));
    if (match) return `${appPath}/${folder}/${match}`;
  }
  return null;
}

export const macMiddlewareProbe: SystemProbe = {
  id: 'macos.middleware',
  platforms: ['darwin'],
  async run(ctx) {
    const facts: SystemFact[] = [];
    const folders = ['/Applications', `${ctx.homeDir}/Applications`];
    const apps: { product: MiddlewareProduct; path: string }[] = [];
    let readable = false;
    for (const folder of folders) {
      const names = await ctx.fs.list(folder);
      if (names === null) continue;
      readable = true;
      for (const name of names) {
        if (!name.endsWith('.app')) continue;
        const classified = classifyDisplayName(name.slice(0, -'.app'.length));
        // On macOS the app does not say which Net iD edition it is unless its name does.
        const product: MiddlewareProduct | null = classified === 'netid-enterprise' && !/Enterprise/i.test(name) ? 'netid' : classified;
        if (product) apps.push({ product, path: `${folder}/${name}` });
      }
    }
    for (const product of ['netid', 'netid-enterprise', 'netid-client', 'siths-eid', 'safenet-sac', 'opensc'] as const) {
      const app = apps.find((a) => a.product === product);
      let modulePath = app ? await findModuleInBundle(ctx, app.path) : null;
      if (!modulePath) {
        for (const candidate of knownModuleFiles[product] ?? []) {
          if ((await ctx.fs.kind(candidate)) === 'file') {
            modulePath = candidate;
            break;
          }
        }
      }
      if (app) {
        facts.push(fact(middlewareKey(product), 'installed', 'file', app.path));
        facts.push(fact(middlewarePathKey(product), app.path, 'file', app.path));
        facts.push(await bundleVersionFact(ctx, middlewareVersionKey(product), app.path));
      } else if (modulePath && (product === 'opensc' || product === 'safenet-sac')) {
        // OpenSC and SAC may come without an app in /Applications.
        facts.push(fact(middlewareKey(product), 'installed', 'file', modulePath, { note: 'found by its PKCS#11 module' }));
      } else if (!readable) {
        facts.push(unknownFact(middlewareKey(product), 'file', folders.join(', '), 'the Applications folders could not be listed'));
      } else if (product === 'netid-enterprise' || product === 'netid-client') {
        // Editions are only told apart when an app names itself; `netid` stands for "any Net iD".
      } else if (product !== 'netid' || !apps.some((a) => a.product === 'netid-client' || a.product === 'netid-enterprise')) {
        facts.push(fact(middlewareKey(product), 'not-installed', 'file', folders.join(', ')));
      }
      if (modulePath) facts.push(fact(middlewareModuleKey(product), modulePath, 'file', modulePath));
    }
    return facts;
  },
};

export const macProbes: readonly SystemProbe[] = [macPcscProbe, macMiddlewareProbe];
