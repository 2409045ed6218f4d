import { z } from 'zod';

/** Building blocks of the configuration schema (env.ts). */

/** Values that are never a real secret: refused in production, replaced by a marked development key otherwise. */
export const PLACEHOLDER_SECRETS = new Set(['change-me', 'changeme', 'secret', 'please-change-this-secret-in-production']);

export const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A comma-separated list; empty entries dropped. */
export const commaList = () =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
