/**
 * The one way the CLI reads a file the user names (`cert FILE`, `--anchors FILE`, and any later
 * input): a regular file of at most 1 MiB. Checked on the opened descriptor (fstat), and never
 * more than 1 MiB + 1 bytes are read, so /dev/zero, a FIFO, a directory or a file that grows
 * while we read cannot make Kortkoll hang or fill memory.
 */
import { constants, promises as fs } from 'node:fs';
import { defineMessages, type Lang } from '../i18n/index.js';

export const maxInputFileBytes = 1024 * 1024;

export type FileKind = 'directory' | 'fifo' | 'device' | 'socket' | 'other';

export type InputFileProblem = 'not-found' | 'not-regular' | 'too-large' | 'unreadable';

export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly problem: InputFileProblem,
    readonly path: string,
    detail: string,
    /** For `not-regular`: what it is instead. */
    readonly kind: FileKind = 'other',
  ) {
    super(detail);
  }

  /** The file is not something Kortkoll reads at all (a device, a FIFO, a directory, too large): an input error. */
  get refused(): boolean {
    return this.problem === 'not-regular' || this.problem === 'too-large';
  }
}

const messages = defineMessages(
  'cli-input-file',
  {
    'not-found': 'Kan inte läsa {file}: filen finns inte.',
    'not-regular': '{file} är ingen vanlig fil utan {kind}. Ange en certifikatfil.',
    'too-large': '{file} är större än {max} MiB; en certifikatfil är mycket mindre.',
    unreadable: 'Kan inte läsa {file}: {message}',
    kindDirectory: 'en mapp',
    kindFifo: 'en namngiven rörledning (FIFO)',
    kindDevice: 'en enhetsfil',
    kindSocket: 'a socket',
    kindOther: 'en annan sorts fil',
  },
  {
    'not-found': 'Cannot read {file}: the file does not exist.',
    'not-regular': '{file} is not a regular file but {kind}. Give a certificate file.',
    'too-large': '{file} is larger than {max} MiB; a certificate file is much smaller.',
    unreadable: 'Cannot read {file}: {message}',
    kindDirectory: 'a directory',
    kindFifo: 'a named pipe (FIFO)',
    kindDevice: 'a device file',
    kindSocket: 'a socket',
    kindOther: 'another kind of file',
  },
);

const kindKeys = { directory: 'kindDirectory', fifo: 'kindFifo', device: 'kindDevice', socket: 'kindSocket', other: 'kindOther' } as const;

function kindOf(stat: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): FileKind {
  if (stat.isDirectory()) return 'directory';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isSocket()) return 'socket';
  return 'other';
}

/** One line for the user, in their language. */
export function describeInputFileError(error: InputFileError, lang: Lang): string {
  const file = error.path;
  switch (error.problem) {
    case 'not-found':
      return messages.t('not-found', lang, { file });
    case 'not-regular':
      return messages.t('not-regular', lang, { file, kind: messages.t(kindKeys[error.kind], lang) });
    case 'too-large':
      return messages.t('too-large', lang, { file, max: maxInputFileBytes / (1024 * 1024) });
    case 'unreadable':
      return messages.t('unreadable', lang, { file, message: error.message });
  }
}

/**
 * The whole file, or InputFileError. O_NONBLOCK: opening a FIFO without a writer must not block
 * (fstat then refuses it); it has no effect on a regular file.
 */
export async function readBoundedFile(path: string, maxBytes = maxInputFileBytes): Promise<Uint8Array> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputFileError('not-found', path, 'no such file');
    if (code === 'EISDIR') throw new InputFileError('not-regular', path, 'a directory', 'directory');
    if (code === 'ENXIO') throw new InputFileError('not-regular', path, 'no such device', 'other');
    throw new InputFileError('unreadable', path, code ?? (e instanceof Error ? e.message : String(e)));
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InputFileError('not-regular', path, 'not a regular file', kindOf(stat));
    if (stat.size > maxBytes) throw new InputFileError('too-large', path, `${stat.size} bytes`);
    // The file may grow after fstat: read at most one byte more than allowed, and refuse if it came.
    const buffer = new Uint8Array(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new InputFileError('too-large', path, `more than ${maxBytes} bytes`);
    return buffer.slice(0, length);
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputFileError('unreadable', path, code ?? (e instanceof Error ? e.message : String(e)));
  } finally {
    await handle.close().catch(() => undefined);
  }
}
