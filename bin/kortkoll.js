#!/usr/bin/env node
// Entry of `npx kortkoll`: runs the compiled CLI (npm run build makes dist/).
process.env.KORTKOLL_CLI_ENTRY = "1";
import("../dist/electron/cli.js").catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('kortkoll: the CLI is not built yet. Run `npm run build` first.');
    process.exit(70);
  }
  throw error;
});
