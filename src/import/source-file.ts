import { createReadStream } from 'node:fs';
import { ImportFileError } from './import-records.js';

/**
 * A file's text in chunks, decoded as strict UTF-8 (a file in another encoding stops with the byte offset of the
 * first invalid sequence instead of importing mojibake); a leading byte-order mark is dropped. `onBytes` is told
 * how many bytes were read so far (the progress bar).
 */
export async function* readUtf8Chunks(
  source: AsyncIterable<Buffer | string>,
  onBytes?: (bytesRead: number) => void,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let bytes = 0;
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let text: string;
    try {
      text = decoder.decode(buf, { stream: true });
    } catch {
      throw new ImportFileError(
        `the file is not UTF-8: an invalid byte sequence within bytes ${bytes}-${bytes + buf.length} (convert it with iconv first)`,
      );
    }
    bytes += buf.length;
    onBytes?.(bytes);
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw new ImportFileError('the file is not UTF-8: it ends inside a multi-byte sequence');
  }
}

export function readFileChunks(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<string> {
  return readUtf8Chunks(createReadStream(path, { highWaterMark: 256 * 1024 }), onBytes);
}
