import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";

/**
 * Files only the server's own user may touch: the data folder (0700), the SQLite database with
 * its -wal and -shm (0600; SQLite gives those the database file's mode), the admin-token file and
 * the key-encryption key (0600). What exists already is checked, never silently re-moded: a file
 * that group or others could read may have leaked, and the operator has to decide about that.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Start-up refusal: an existing file or folder is open to group or others. */
export class InsecureFileMode extends Error {
  readonly code = "INSECURE_FILE_MODE";
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

/** Throws InsecureFileMode when `path` exists and group or others have any access to it. */
export function assertPrivate(path: string, what: string): void {
  let mode: number;
  let isDirectory: boolean;
  try {
    const stat = statSync(path);
    mode = stat.mode;
    isDirectory = stat.isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if ((mode & 0o077) === 0) return;
  const wanted = isDirectory ? "700" : "600";
  throw new InsecureFileMode(
    `${what} ${path} has mode ${octal(mode)}: group or others may access it, and it holds (or guards) ` +
      `secrets. Run \`chmod ${wanted} ${path}\`, consider whether someone else has read it (then rotate ` +
      "what it holds), and start again.",
  );
}

/** Creates the folder (and missing parents) 0700, or checks an existing one. */
export function ensurePrivateDir(path: string, what = "The data folder"): void {
  assertPrivate(path, what);
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Creates an empty file 0600 when absent (before anyone writes to it), or checks an existing one. */
export function ensurePrivateFile(path: string, what: string): void {
  try {
    closeSync(openSync(path, "wx", PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    assertPrivate(path, what);
  }
}

/**
 * Writes `content` to a new file 0600 at `path`, atomically: the file appears whole or not at all.
 * With `replace: false` an existing file wins (returns false), so that of two processes creating
 * it at once one writes and the other reads what the first wrote.
 */
export function writePrivateFile(path: string, content: string, options: { replace: boolean }): boolean {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, content, { mode: PRIVATE_FILE_MODE, flag: "wx" });
  if (options.replace) {
    renameSync(temporary, path);
    return true;
  }
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}
