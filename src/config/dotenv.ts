/**
 * Loads `.env` from the working directory when there is one (Node's own parser: `NAME=value` lines, `#` comments,
 * quotes for values with spaces or `#`). Variables already set in the environment win over the file.
 * Returns the file's name when it was read.
 */
export function loadDotEnv(file = '.env'): string | undefined {
  try {
    process.loadEnvFile(file);
    return file;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}
