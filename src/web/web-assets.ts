import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built pages' files (dist/public/, written by scripts/build-web.mjs from web/), read once at start and served
 * from memory, with their gzip and brotli forms and a strong ETag from the build's content hash.
 */
export interface WebAsset {
  /** Path under dist/public/, e.g. `embed/v1/comments.js`. */
  path: string;
  type: string;
  body: Buffer;
  gzip?: Buffer;
  brotli?: Buffer;
  etag: string;
  /** Base64 SHA-256 of the body: for Subresource Integrity and CSP hashes. */
  sha256: string;
}

interface ManifestEntry {
  type: string;
  sha256: string;
  compressed: boolean;
}

/** dist/public/ beside src/ or dist/: `<root>/dist/public/` from both src/web/ and dist/web/. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../dist/public/', import.meta.url));

export class WebAssets {
  private constructor(
    private readonly files: ReadonlyMap<string, WebAsset>,
    /** Why nothing is served, when the build output is missing (the pages answer 503 and say this). */
    readonly missing?: string,
  ) {}

  static load(dir = PUBLIC_DIR): WebAssets {
    const manifestPath = `${dir}manifest.json`;
    if (!existsSync(manifestPath)) return new WebAssets(new Map(), `the pages are not built (no ${manifestPath}): run npm run build`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, ManifestEntry> };
    const files = new Map<string, WebAsset>();
    for (const [path, entry] of Object.entries(manifest.files)) {
      const file = `${dir}${path}`;
      files.set(path, {
        path,
        type: entry.type,
        body: readFileSync(file),
        gzip: entry.compressed ? readFileSync(`${file}.gz`) : undefined,
        brotli: entry.compressed ? readFileSync(`${file}.br`) : undefined,
        etag: `"${entry.sha256.slice(0, 27)}"`,
        sha256: Buffer.from(entry.sha256, 'base64url').toString('base64'),
      });
    }
    return new WebAssets(files);
  }

  get(path: string): WebAsset | undefined {
    return this.files.get(path);
  }

  /** The one file under `dir` whose name starts with `prefix` and ends with `ext` (a hashed entry, e.g. the console's). */
  entry(dir: string, prefix: string, ext = '.js'): WebAsset | undefined {
    for (const [path, asset] of this.files) {
      if (path.startsWith(`${dir}${prefix}-`) && path.endsWith(ext)) return asset;
    }
    return undefined;
  }
}
