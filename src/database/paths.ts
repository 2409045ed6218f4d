import { fileURLToPath } from 'node:url';

/** Project root, resolved from this file so it works from src/ (tests) and dist/ (build) alike. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const migrationsDir = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));
export const seedDir = fileURLToPath(new URL('../../prisma/seed/', import.meta.url));
