/**
 * Running Debian's OpenSC tools against a virtual card in the real pcscd, for tests that use OpenSC
 * as the independent reader of a card: which readers it sees, which driver names the card, what
 * `pkcs15-tool` lists, and the SHA-256 of every certificate it reads.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { toHex } from '../../../native/transport.js';

const run = promisify(execFile);

/** The environment of the machine minus OPENSC_CONF: OpenSC with its own configuration and drivers. */
export function openscOwnEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENSC_DEBUG: '0' };
  delete env.OPENSC_CONF;
  return env;
}

export interface OpenscReaderRow {
  index: number;
  cardPresent: boolean;
  name: string;
}

export async function openscListReaders(env: NodeJS.ProcessEnv = openscOwnEnvironment()): Promise<OpenscReaderRow[]> {
  const { stdout } = await run('opensc-tool', ['--list-readers'], { env });
  const rows: OpenscReaderRow[] = [];
  // Columns are fixed-width: the name starts where the header's "Name" does.
  const lines = stdout.split('\n');
  const nameColumn = lines.find((line) => line.startsWith('Nr.'))?.indexOf('Name') ?? -1;
  for (const line of lines) {
    const match = /^(\d+)\s+(Yes|No)\b/.exec(line);
    if (match && nameColumn > 0) rows.push({ index: Number(match[1]), cardPresent: match[2] === 'Yes', name: line.slice(nameColumn).trim() });
  }
  return rows;
}

/** Why OpenSC cannot be used with the given vpcd reader, or undefined when it can. */
export async function openscUnavailableReason(readerName: string, env: NodeJS.ProcessEnv = openscOwnEnvironment()): Promise<string | undefined> {
  try {
    await run('pkcs15-tool', ['--version'], { env });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'pkcs15-tool is not installed (Debian package opensc)';
  }
  try {
    const readers = await openscListReaders(env);
    if (!readers.some((reader) => reader.name === readerName)) {
      return `pcscd does not show the reader "${readerName}" (is pcscd running with vsmartcard-vpcd? bash scripts/start-pcscd.sh)`;
    }
  } catch (error) {
    return `opensc-tool could not list readers: ${(error as Error).message}`;
  }
  return undefined;
}

/** Waits until OpenSC sees a card with this ATR in the named reader; returns OpenSC's reader index. */
export async function openscWaitForCard(
  readerName: string,
  atr: Uint8Array,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = openscOwnEnvironment(),
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reader = (await openscListReaders(env)).find((row) => row.name === readerName);
    if (reader?.cardPresent) {
      const { stdout } = await run('opensc-tool', ['--reader', String(reader.index), '--atr'], { env });
      if (stdout.trim().replace(/:/g, '').toUpperCase() === toHex(atr)) return reader.index;
    }
    if (Date.now() > deadline) throw new Error(`pcscd did not report the virtual card in "${readerName}" within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One object block of pkcs15-tool's output: the header `Kind [label]` and its `Key : value` lines. */
export interface Pkcs15ToolObject {
  kind: string;
  label: string;
  fields: Map<string, string>;
}

export function parsePkcs15ToolOutput(stdout: string): Pkcs15ToolObject[] {
  const objects: Pkcs15ToolObject[] = [];
  let current: Pkcs15ToolObject | undefined;
  for (const line of stdout.split('\n')) {
    const header = /^(.+?) \[(.*)\]:?$/.exec(line);
    if (header && !line.startsWith('\t')) {
      current = { kind: header[1]!, label: header[2]!, fields: new Map() };
      objects.push(current);
      continue;
    }
    const field = /^\t([^:]+?)\s*:\s?(.*)$/.exec(line);
    if (field && current) current.fields.set(field[1]!, field[2]!.trim());
  }
  return objects;
}

export async function runOpensc(
  tool: 'opensc-tool' | 'pkcs15-tool' | 'pkcs11-tool',
  args: string[],
  env: NodeJS.ProcessEnv = openscOwnEnvironment(),
): Promise<string> {
  const { stdout } = await run(tool, args, { env });
  return stdout;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new Error(`no PEM certificate in: ${pem.slice(0, 200)}`);
  return new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
}

export interface OpenscCertificateDigest {
  /** pkcs15-tool's ID of the certificate object (hex, upper case). */
  id: string;
  label: string;
  sha256: string;
}

/**
 * Lists the certificates OpenSC finds on the card in `readerIndex` and reads each with
 * `pkcs15-tool --read-certificate`: the SHA-256 of the DER it hands out, in OpenSC's order.
 */
export async function openscCertificateDigests(readerIndex: number, env: NodeJS.ProcessEnv = openscOwnEnvironment()): Promise<OpenscCertificateDigest[]> {
  const listed = parsePkcs15ToolOutput(await runOpensc('pkcs15-tool', ['--reader', String(readerIndex), '--list-certificates'], env)).filter(
    (object) => object.kind === 'X.509 Certificate',
  );
  const digests: OpenscCertificateDigest[] = [];
  for (const object of listed) {
    const id = (object.fields.get('ID') ?? '').toUpperCase();
    const pem = await runOpensc('pkcs15-tool', ['--reader', String(readerIndex), '--read-certificate', id], env);
    digests.push({ id, label: object.label, sha256: sha256Hex(pemToDer(pem)) });
  }
  return digests;
}
