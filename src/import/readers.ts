import { readCoral } from './coral.js';
import { readDisqus } from './disqus.js';
import type { ImportFormat, SourceRecord } from './import-records.js';
import { readNative } from './native-format.js';
import { readRemark42 } from './remark42.js';
import { readWordpress } from './wordpress.js';

/** The reader of each format: a file's text in chunks in, records in file order out. */
export function readRecords(format: ImportFormat, chunks: AsyncIterable<string>): AsyncGenerator<SourceRecord> {
  switch (format) {
    case 'disqus':
      return readDisqus(chunks);
    case 'wordpress':
      return readWordpress(chunks);
    case 'coral':
      return readCoral(chunks);
    case 'remark42':
      return readRemark42(chunks);
    case 'native':
      return readNative(chunks);
  }
}
