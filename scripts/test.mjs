#!/usr/bin/env node
// `npm test`: every check there is, in one run. Lint and type-check first (cheap, and a type error
// should not hide behind a test failure), then the build the CLI tests run against, then vitest
// (unit, then the system tests that share pcscd, vpcd and Chromium). Ends with one line
// `N passed, N failed` counted from vitest's JSON, so a run that executed nothing is visible.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const results = 'test-results';
mkdirSync(results, { recursive: true });

function step(name, command, args) {
  console.log(`\n== ${name}: ${command} ${args.join(' ')}`);
  const run = spawnSync(command, args, { stdio: 'inherit' });
  return run.status === 0;
}

let ok = true;
ok = step('lint', 'npx', ['eslint', '.']) && ok;
ok = step('format', 'npx', ['prettier', '--check', '.']) && ok;
ok = step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) && ok;
ok = step('build', 'npm', ['run', '--silent', 'build']) && ok;
const extraChecks = JSON.parse(readFileSync('package.json', 'utf8')).scripts['test:extra'];
if (extraChecks) ok = step('extra checks', 'npm', ['run', '--silent', 'test:extra']) && ok;

const jsonFile = `${results}/vitest.json`;
const vitestOk = step('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)]);
ok = vitestOk && ok;

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(jsonFile)) {
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that failed to load counts no tests; count it as a failure so it cannot pass silently.
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed += 1;
}
if (!ok && failed === 0) failed = 1; // lint, types or build failed: never report a clean run
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
