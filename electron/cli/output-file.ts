/**
 * Report files the CLI writes (`diag --html FILE`, and any later output file). The path is checked
 * before the work starts, so a typo does not cost a whole diagnosis. The content goes to a new
 * temporary file in the same folder, created exclusively (never through an existing file or
 * symlink) with mode 0600 (a report holds personal data), then renamed over the target: an
 * interrupted write leaves no half-written report, and a symlink at the target is replaced, not
 * followed.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { defineMessages, type Lang } from '../i18n/index.js';
import { trackPendingFile } from './interrupt.js';

const messages = defineMessages(
  'cli-output-file',
  {
    noFolder: 'Kan inte spara i {file}: mappen {folder} finns inte.',
    notFolder: 'Kan inte spara i {file}: {folder} är ingen mapp.',
    isFolder: 'Kan inte spara i {file}: det är en mapp.',
    notRegular: 'Kan inte spara i {file}: det finns redan och är ingen vanlig fil.',
    notWritable: 'Kan inte spara i {file}: mappen {folder} går inte att skriva i.',
    writeFailed: 'Kan inte spara i {file}: {message}',
  },
  {
    noFolder: 'Cannot save to {file}: the folder {folder} does not exist.',
    notFolder: 'Cannot save to {file}: {folder} is not a folder.',
    isFolder: 'Cannot save to {file}: it is a folder.',
    notRegular: 'Cannot save to {file}: it exists and is not a regular file.',
    notWritable: 'Cannot save to {file}: the folder {folder} is not writable.',
    writeFailed: 'Cannot save to {file}: {message}',
  },
);

export class OutputFileError extends Error {
  override readonly name = 'OutputFileError';
  constructor(
    readonly key: Parameters<typeof messages.t>[0],
    readonly path: string,
    readonly folder: string,
    detail = '',
  ) {
    super(detail || key);
  }

  describe(lang: Lang): string {
    return messages.t(this.key, lang, { file: this.path, folder: this.folder, message: this.message });
  }
}

/**
 * Throws OutputFileError unless `path` can be written: its folder exists and is writable, and the
 * path is not a folder nor an existing non-regular file (a symlink is allowed: it gets replaced).
 */
export async function checkOutputPath(path: string): Promise<void> {
  const folder = dirname(resolve(path));
  let folderStat;
  try {
    folderStat = await fs.stat(folder);
  } catch {
    throw new OutputFileError('noFolder', path, folder);
  }
  if (!folderStat.isDirectory()) throw new OutputFileError('notFolder', path, folder);
  try {
    await fs.access(folder, constants.W_OK);
  } catch {
    throw new OutputFileError('notWritable', path, folder);
  }
  let target;
  try {
    target = await fs.lstat(path);
  } catch {
    return;
  }
  if (target.isDirectory()) throw new OutputFileError('isFolder', path, folder);
  if (!target.isFile() && !target.isSymbolicLink()) throw new OutputFileError('notRegular', path, folder);
}

/** Writes `content` to `path` through a 0600 temporary file in the same folder and a rename. */
export async function writeOutputFile(path: string, content: string | Uint8Array): Promise<void> {
  await checkOutputPath(path);
  const folder = dirname(resolve(path));
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const untrack = trackPendingFile(temporary);
  try {
    // O_EXCL + O_NOFOLLOW: a file or symlink someone put at the temporary name is never written through.
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
    const handle = await fs.open(temporary, flags, 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, path);
  } catch (e) {
    await fs.unlink(temporary).catch(() => undefined);
    if (e instanceof OutputFileError) throw e;
    throw new OutputFileError('writeFailed', path, folder, (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e)));
  } finally {
    untrack();
  }
}
