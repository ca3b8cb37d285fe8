#!/usr/bin/env node
// `npm run test:extra` (CI): Electronegativity over electron/, failing on any HIGH or MEDIUM finding.
//
// Electronegativity exits 0 whatever it finds, and its SARIF output carries no severity (only
// "warning", or "note" for findings that need review). So it runs twice over the same input: SARIF
// (kept in test-results/ for code-scanning upload and for people) and CSV, which has the severity
// of each finding. The two are joined by rule, file and line; a SARIF result without a CSV row, or
// the reverse, fails the check too, so a change in the tool's output cannot make it pass silently.
//
// A finding reviewed and accepted is marked where it occurs, with Electronegativity's own inline
// comment and the reason: `/* eng-disable OPEN_EXTERNAL_JS_CHECK: why */`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const input = process.argv[2] ?? 'electron';
const outDir = 'test-results';
const sarifFile = path.join(outDir, 'electronegativity.sarif');
const csvFile = path.join(outDir, 'electronegativity.csv');
const failing = new Set(['HIGH', 'MEDIUM']);

const require = createRequire(import.meta.url);
let cli;
try {
  const packageJson = require.resolve('@doyensec/electronegativity/package.json');
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8'));
  cli = path.join(path.dirname(packageJson), typeof bin === 'string' ? bin : bin.electronegativity);
} catch {
  console.error('electronegativity: @doyensec/electronegativity is not installed (npm install --save-dev @doyensec/electronegativity).');
  process.exit(1);
}

let electronVersion = null;
try {
  electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
} catch {
  // Electronegativity then guesses; the scan still runs.
}

mkdirSync(outDir, { recursive: true });

function scan(output) {
  rmSync(output, { force: true });
  const args = [cli, '--input', input, '--output', output, '--relative', ...(electronVersion ? ['--electron-version', electronVersion] : [])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0 || !existsSync(output)) {
    console.error(`electronegativity: the scan failed (exit ${run.status}).\n${run.stderr ?? ''}`);
    process.exit(1);
  }
}

/** RFC 4180-style: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((cell) => cell !== '')) rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

scan(sarifFile);
scan(csvFile);

const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
const [header, ...rows] = parseCsv(readFileSync(csvFile, 'utf8'));
const column = (name) => header.findIndex((cell) => cell.trim() === name);
const at = { id: column('issue'), severity: column('severity'), confidence: column('confidence'), file: column('filename'), location: column('location'), description: column('description') };
if (Object.values(at).some((index) => index < 0)) {
  console.error(`electronegativity: unexpected CSV header: ${header.join(',')}`);
  process.exit(1);
}

const key = (rule, file, line) => `${rule}|${file}|${Math.max(1, Number(line) || 0)}`;
const findings = rows.map((row) => {
  const [line] = (row[at.location] ?? '0:0').split(':');
  return {
    rule: row[at.id],
    severity: (row[at.severity] ?? '').toUpperCase(),
    confidence: row[at.confidence],
    file: row[at.file],
    location: row[at.location],
    description: row[at.description],
    key: key(row[at.id], row[at.file] === 'N/A' ? 'file:///' : row[at.file], line),
  };
});

const sarifKeys = (sarif.runs ?? []).flatMap((run) =>
  (run.results ?? []).map((result) => {
    const location = result.locations?.[0]?.physicalLocation;
    return key(result.ruleId, location?.artifactLocation?.uri, location?.region?.startLine);
  }),
);
const csvKeys = findings.map((finding) => finding.key);
const unmatched = [...sarifKeys.filter((k) => !csvKeys.includes(k)), ...csvKeys.filter((k) => !sarifKeys.includes(k))];

for (const finding of findings) {
  const mark = failing.has(finding.severity) ? 'FAIL' : 'note';
  console.log(`${mark} ${finding.severity.padEnd(13)} ${finding.rule} ${finding.file}:${finding.location} ${finding.description}`);
}
const failures = findings.filter((finding) => failing.has(finding.severity));
if (unmatched.length > 0) {
  console.error(`electronegativity: SARIF and CSV disagree on ${unmatched.length} finding(s): ${unmatched.join(', ')}`);
  process.exit(1);
}
console.log(`electronegativity: ${findings.length} finding(s), ${failures.length} HIGH or MEDIUM (SARIF: ${sarifFile})`);
process.exit(failures.length > 0 ? 1 : 0);
