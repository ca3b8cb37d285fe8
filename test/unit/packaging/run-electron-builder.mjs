// Runs electron-builder's own packaging code, offline, on a project directory prepared by the
// packaging tests, and prints what it produced as one line of JSON on stdout.
//
//   node run-electron-builder.mjs '{"mode":"linux-deb","projectDir":"...","standIns":"..."}'
//
// Only the steps that would download something are replaced by stand-ins made by the test:
// - the Electron binary (electronDist: a directory holding a small file with Electron's fuse wire),
// - fpm (CUSTOM_FPM_PATH: a script that records the arguments electron-builder gives it),
// - the icon converter (ELECTRON_BUILDER_ICONS_TOOLSET_DIR), used for the Windows .ico,
// - WiX: the MSI run stops in electron-builder's msiProjectCreated hook, after the WiX project
//   has been generated and before the WiX compiler would be fetched.
// Native modules are not rebuilt (npmRebuild: false): that needs Electron's headers.
// Everything else is the configuration under test, loaded the way the electron-builder CLI loads
// it: from the "build" key of the project's package.json.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { build, Platform, Arch } = require('electron-builder');

const request = JSON.parse(process.argv[2] ?? '{}');
const STOP_AFTER_WXS = 'kortkoll-test: stop after the WiX project was written';

async function main() {
  const { mode, projectDir, standIns } = request;
  const config = { electronDist: path.join(standIns, 'electron'), npmRebuild: false };
  if (mode === 'linux-deb') {
    process.env.CUSTOM_FPM_PATH = path.join(standIns, 'fpm');
    const artifacts = await build({ projectDir, config, targets: Platform.LINUX.createTarget('deb', Arch.x64), publish: 'never' });
    return { artifacts };
  }
  if (mode === 'win-msi') {
    process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR = path.join(standIns, 'icons');
    const wxsCopy = path.join(standIns, 'project.wxs');
    config.msiProjectCreated = (wxsPath) => {
      copyFileSync(wxsPath, wxsCopy);
      throw new Error(STOP_AFTER_WXS);
    };
    try {
      await build({
        projectDir,
        config,
        prepackaged: path.join(standIns, 'win-unpacked'),
        targets: Platform.WINDOWS.createTarget('msi', Arch.x64),
        publish: 'never',
      });
    } catch (error) {
      if (!String(error?.message ?? error).includes(STOP_AFTER_WXS)) throw error;
      return { wxs: wxsCopy };
    }
    throw new Error('the msiProjectCreated hook was never called');
  }
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (result) => {
    process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
  },
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
