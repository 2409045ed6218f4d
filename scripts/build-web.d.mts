/** Types of scripts/build-web.mjs for the TypeScript that imports it (test/global-setup.ts). */
export function buildWeb(options?: { force?: boolean }): Promise<{ built: boolean; ms: number }>;
