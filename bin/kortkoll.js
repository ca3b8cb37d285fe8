#!/usr/bin/env node
// Entry of `npx kortkoll`: runs the bundled CLI (npm run build makes dist/cli/).
process.env.KORTKOLL_CLI_ENTRY = '1';
import('../dist/cli/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('kortkoll: the CLI is not built yet. Run `npm run build` first.');
    process.exit(70);
  }
  throw error;
});
