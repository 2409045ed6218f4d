/** The longest slug an article can have. */
export const MAX_SLUG_LENGTH = 120;

/** What any stored slug looks like; a path parameter that does not match cannot name an article (articles/slugify.ts makes them). */
export const SLUG_PATTERN = /^[a-z0-9-]{1,120}$/;

export const isSlug = (value: string): boolean => SLUG_PATTERN.test(value);
