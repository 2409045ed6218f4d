import type pg from 'pg';
import { exportDisqus } from './disqus-export.js';
import { exportNative } from './native-export.js';
import { exportWxr } from './wxr-export.js';

/** The formats the whole site can be exported in (docs/import-export.md): each can be imported back. */
export const EXPORT_FORMATS = ['native', 'disqus', 'wxr'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  native: 'application/x-ndjson',
  disqus: 'application/xml',
  wxr: 'application/xml',
};

export const EXPORT_FILE_NAMES: Record<ExportFormat, string> = {
  native: 'comments-export.jsonl',
  disqus: 'comments-export-disqus.xml',
  wxr: 'comments-export-wordpress.xml',
};

/** The export as text pieces, read from the database page by page as they are consumed. */
export function exportSite(pool: pg.Pool, format: ExportFormat): AsyncGenerator<string> {
  switch (format) {
    case 'native':
      return exportNative(pool);
    case 'disqus':
      return exportDisqus(pool);
    case 'wxr':
      return exportWxr(pool);
  }
}
