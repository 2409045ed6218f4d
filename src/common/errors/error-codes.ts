/**
 * The error-code catalog: every `error.code` the service can answer with, its one HTTP status and what it means.
 * `AppError` only accepts these codes (its status comes from here), the OpenAPI document lists them (per operation
 * and in `x-error-codes`), README renders them as a table, and the e2e contract check fails a test whose response
 * carries a code that is not here or not documented for that operation.
 *
 * Adding a code: add it here (status + meaning), declare it on the routes that can answer with it
 * (`@Endpoint({ errors: [...] })`), and regenerate the committed contract (`npm run openapi:write`).
 */
export interface ErrorCodeInfo {
  readonly status: number;
  readonly description: string;
  /** RFC 6750 `error` attribute of the `WWW-Authenticate: Bearer` challenge sent with this code. */
  readonly bearerError?: 'invalid_token' | 'insufficient_scope';
}

export const ERROR_CATALOG = {
  // 400
  VALIDATION_FAILED: { status: 400, description: 'The path, query or body is invalid; `details` lists each field and rule.' },
  INVALID_JSON: { status: 400, description: 'The body is not valid JSON (or not UTF-8, or nested deeper than 32 levels).' },
  INVALID_CURSOR: { status: 400, description: 'The `cursor` is not one this service issued; use `nextCursor` from a previous page.' },
  INVALID_SLUG: { status: 400, description: 'No slug can be derived from this title; send one.' },
  INVALID_PARENT: { status: 400, description: 'The comment replied to belongs to another article.' },
  INVALID_IDEMPOTENCY_KEY: { status: 400, description: 'The Idempotency-Key header is not 1-100 visible ASCII characters.' },
  INVALID_WORD: { status: 400, description: 'A word-filter entry must be a word or a phrase of up to 5 words, optionally ending in `*`.' },
  INVALID_TEXT: { status: 400, description: 'The text contains characters PostgreSQL cannot store (NUL).' },
  INVALID_REACTION: { status: 400, description: 'The reaction is not one of the kinds this newsroom offers (REACTION_KINDS).' },
  INVALID_WEBHOOK_URL: {
    status: 400,
    description:
      'The webhook URL must be an absolute http(s) URL without credentials or fragment, whose host resolves (`details` says why not).',
  },
  WEBHOOK_TARGET_NOT_ALLOWED: {
    status: 400,
    description:
      'The webhook URL resolves to a loopback, private, link-local, metadata or other non-public address (WEBHOOK_ALLOW_PRIVATE_TARGETS allows them).',
  },
  INVALID_MAIL_TOKEN: {
    status: 400,
    description:
      'The link from the mail is not valid: altered, already used, or (a confirmation link) older than 48 hours; ask for a new one.',
  },
  BAD_REQUEST: { status: 400, description: 'The HTTP request itself is malformed (URL encoding, request line).' },
  IMPORT_FILE_EMPTY: { status: 400, description: 'An import upload needs the file as the request body; it was empty.' },
  IMPORT_FORMAT_UNKNOWN: {
    status: 400,
    description:
      'The uploaded file is none of the formats this service imports, or its format cannot be told from its start: send `?from=`.',
  },
  // 401: always with `WWW-Authenticate: Bearer realm="newsroom"` (RFC 9110 §11.6.1, RFC 6750 §3)
  UNAUTHENTICATED: { status: 401, description: 'The route needs a Bearer access token and none was sent.' },
  INVALID_TOKEN: {
    status: 401,
    description: 'The access token is malformed, forged or its account is gone.',
    bearerError: 'invalid_token',
  },
  TOKEN_EXPIRED: { status: 401, description: 'The access token has expired; refresh it.', bearerError: 'invalid_token' },
  INVALID_CREDENTIALS: { status: 401, description: 'Wrong login or password (the same answer whether or not the account exists).' },
  INVALID_REFRESH_TOKEN: { status: 401, description: 'The refresh token is unknown, expired or revoked; sign in again.' },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    description: 'An already used refresh token came back: the whole session is revoked; sign in again.',
  },
  // 401 for the publisher's sign-in token (POST /api/auth/sso): one code per reason, so an integrator sees what to fix
  SSO_TOKEN_MALFORMED: {
    status: 401,
    description: 'The sign-in token is not a compact JWS / JWT, or a claim has the wrong type (`details` names it).',
  },
  SSO_ALG_NOT_ALLOWED: {
    status: 401,
    description:
      "The token's `alg` is not allowed: never `none`; HS256 only with SSO_SECRET; otherwise one of SSO_JWKS_ALGORITHMS with SSO_JWKS_URL.",
  },
  SSO_UNKNOWN_KEY: {
    status: 401,
    description:
      "No key the publisher publishes matches the token's `kid` (the key set was re-read); a token must name its `kid` when several keys are published.",
  },
  SSO_BAD_SIGNATURE: { status: 401, description: "The token's signature does not verify: it was altered, or signed with another key." },
  SSO_WRONG_ISSUER: { status: 401, description: "The token's `iss` is not SSO_ISSUER." },
  SSO_WRONG_AUDIENCE: { status: 401, description: "The token's `aud` does not name SSO_AUDIENCE." },
  SSO_TOKEN_EXPIRED: { status: 401, description: "The token's `exp` has passed (allowing SSO_CLOCK_SKEW_SECONDS)." },
  SSO_TOKEN_NOT_YET_VALID: { status: 401, description: "The token's `nbf` or `iat` is in the future (beyond SSO_CLOCK_SKEW_SECONDS)." },
  SSO_TOKEN_TOO_OLD: {
    status: 401,
    description: 'The token was issued (`iat`) more than SSO_MAX_TOKEN_AGE_SECONDS ago; get a fresh one from the publisher.',
  },
  SSO_MISSING_CLAIM: { status: 401, description: 'A required claim (`sub`, `iss`, `aud`, `exp` or `iat`) is missing; `details` names it.' },
  // 403
  FORBIDDEN: { status: 403, description: 'Your role does not allow this action.', bearerError: 'insufficient_scope' },
  USER_BANNED: {
    status: 403,
    description: 'The account is banned (suspended): it may sign in, and use only the operations marked `x-allow-banned`.',
  },
  COMMENTS_CLOSED: { status: 403, description: 'Comments are closed for this article.' },
  NOT_COMMENT_AUTHOR: { status: 403, description: 'Only the author (or, for deletion, a moderator) may do this.' },
  EDIT_WINDOW_CLOSED: { status: 403, description: 'The edit window (COMMENT_EDIT_WINDOW_SECONDS) has passed.' },
  CANNOT_REPORT_OWN_COMMENT: { status: 403, description: 'Readers cannot report their own comments.' },
  CANNOT_REACT_OWN_COMMENT: { status: 403, description: 'Readers cannot react to their own comments.' },
  CANNOT_BAN_SELF: { status: 403, description: 'Nobody can ban or unban themselves.' },
  CANNOT_BAN_STAFF: { status: 403, description: 'Only an admin can ban a moderator or an admin.' },
  SSO_ACCOUNT_DELETED: { status: 403, description: 'The account linked to this publisher sign-in was deleted.' },
  LOCAL_AUTH_DISABLED: {
    status: 403,
    description: 'Password sign-in or registration is turned off here (LOCAL_AUTH): sign in with the publisher (POST /api/auth/sso).',
  },
  REAUTHENTICATION_FAILED: {
    status: 403,
    description:
      "The password, or the publisher's sign-in token, does not confirm this account (erasing an account needs one of them; `details` says what was wrong).",
  },
  ACTOR_NO_LONGER_ALLOWED: {
    status: 403,
    description:
      'Your role or ban changed while the request ran (e.g. another admin demoted you a moment earlier); the change was not made.',
  },
  NOTIFIER_ON_HOLD: {
    status: 403,
    description:
      'Notices from you are not processed until the date in the message: too many of your notices were manifestly unfounded (DSA Art. 23(2)).',
  },
  APPEAL_WINDOW_CLOSED: {
    status: 403,
    description: 'The decision is older than DSA_APPEAL_WINDOW_MONTHS: it can no longer be appealed here.',
  },
  SETUP_CODE_INVALID: {
    status: 403,
    description:
      'The setup code is wrong, already used or expired: restart the service while no admin exists to print a new setup link (docs/console.md).',
  },
  APPEAL_SAME_DECIDER: {
    status: 403,
    description: 'An appeal must be decided by a different member of staff than the one who took the decision (DSA Art. 20(6)).',
  },
  OWN_CASE: {
    status: 403,
    description:
      'Staff cannot decide their own case: a comment of their own, an appeal they made or that concerns them or their content, or a notice about their comment. Another member of staff must.',
  },
  // 404
  ROUTE_NOT_FOUND: { status: 404, description: 'No route has this path.' },
  NOT_FOUND: { status: 404, description: 'The resource disappeared while the request ran.' },
  ARTICLE_NOT_FOUND: { status: 404, description: 'No article has this slug.' },
  COMMENT_NOT_FOUND: { status: 404, description: 'No such comment, or you may not see it.' },
  PARENT_NOT_FOUND: { status: 404, description: 'The comment replied to does not exist or is not published.' },
  REPORT_NOT_FOUND: { status: 404, description: 'You have not reported this comment.' },
  USER_NOT_FOUND: { status: 404, description: 'No user has this id.' },
  WORD_FILTER_NOT_FOUND: { status: 404, description: 'No word-filter entry has this id.' },
  NOTICE_NOT_FOUND: { status: 404, description: 'No such notice, or the Notice-Key header does not match it.' },
  DECISION_NOT_FOUND: { status: 404, description: 'No such decision (statement of reasons), or it does not concern you.' },
  APPEAL_NOT_FOUND: { status: 404, description: 'No such appeal, or it is not yours.' },
  SSO_NOT_CONFIGURED: {
    status: 404,
    description: 'Sign-in with the publisher is not set up on this site (no SSO_JWKS_URL or SSO_SECRET).',
  },
  WEBHOOK_NOT_FOUND: { status: 404, description: 'No webhook endpoint has this id.' },
  WEBHOOK_DELIVERY_NOT_FOUND: {
    status: 404,
    description: 'This webhook endpoint has no delivery with this id (finished deliveries are kept WEBHOOK_DELIVERY_RETENTION_DAYS).',
  },
  WEBHOOKS_NOT_CONFIGURED: { status: 404, description: 'Webhooks are not set up on this site (no WEBHOOK_SECRET_KEY in production).' },
  STAFF_NOTE_NOT_FOUND: { status: 404, description: 'This account has no staff note with this id.' },
  DECISION_REASON_NOT_FOUND: { status: 404, description: 'No decision reason has this id.' },
  MAIL_NOT_CONFIGURED: { status: 404, description: 'E-mail is not set up on this site (no SMTP_URL).' },
  IMPORT_NOT_FOUND: { status: 404, description: 'No import run has this id.' },
  // 405
  METHOD_NOT_ALLOWED: { status: 405, description: 'The path exists but not with this method; `Allow` lists the methods it has.' },
  // 408
  REQUEST_TIMEOUT: { status: 408, description: 'The request was not received in time.' },
  // 409
  CONFLICT: { status: 409, description: 'The resource already exists.' },
  VERSION_CONFLICT: { status: 409, description: 'Someone else changed the comment since you read it; reload and retry.' },
  INVALID_TRANSITION: { status: 409, description: 'The comment cannot move to that status from its current one (or is deleted).' },
  EMAIL_TAKEN: { status: 409, description: 'An account with this email exists.' },
  EMAIL_DOMAIN_REFUSED: {
    status: 400,
    description: "The e-mail address is on a disposable domain, which the site's triage rules refuse at registration.",
  },
  USERNAME_TAKEN: { status: 409, description: 'The username, or one that looks the same (a Unicode confusable), is taken.' },
  USERNAME_RESERVED: {
    status: 409,
    description: 'The username impersonates the site or its staff (admin, moderator, the site name…): staff accounts only.',
  },
  SSO_EMAIL_CONFLICT: {
    status: 409,
    description:
      "First publisher sign-in with an email that an account here already holds: it is never taken over silently; send that account's `password` with the token to link them.",
  },
  SLUG_TAKEN: { status: 409, description: 'An article with this slug exists.' },
  DUPLICATE_COMMENT: {
    status: 409,
    description: 'The same body was posted on this article moments ago (COMMENT_DUPLICATE_WINDOW_SECONDS).',
  },
  COMMENT_NOT_EDITABLE: { status: 409, description: 'A rejected or spam comment cannot be edited.' },
  COMMENT_NOT_PUBLISHED: { status: 409, description: 'Only an approved, not deleted comment can be featured.' },
  ALREADY_REPORTED: { status: 409, description: 'You have already reported this comment.' },
  WORD_FILTER_EXISTS: { status: 409, description: 'The word (in its normalised form) is already in the filter.' },
  USER_NOT_BANNED: { status: 409, description: 'The user is not banned.' },
  LAST_ADMIN: { status: 409, description: 'The last active admin cannot be demoted or erased.' },
  WEBHOOK_DELIVERY_PENDING: {
    status: 409,
    description: 'The delivery is still queued (waiting for its next attempt); only a succeeded or failed delivery can be sent again.',
  },
  WEBHOOK_DISABLED: {
    status: 409,
    description: 'The webhook endpoint is disabled: enable it (PATCH enabled: true) before retrying its deliveries.',
  },
  DUPLICATE_NOTICE: { status: 409, description: 'You already have an open notice about this comment.' },
  NOTICE_ALREADY_DECIDED: { status: 409, description: 'The notice has already been decided.' },
  APPEAL_ALREADY_OPEN: { status: 409, description: 'This decision already has an open appeal; wait for its outcome.' },
  APPEAL_ALREADY_DECIDED: { status: 409, description: 'The appeal has already been decided.' },
  DECISION_REVERSED: { status: 409, description: 'The restriction has already been lifted: there is nothing left to appeal.' },
  NO_EMAIL_ADDRESS: { status: 409, description: 'The account has no e-mail address to confirm (a publisher sign-in without one).' },
  EMAIL_ALREADY_VERIFIED: { status: 409, description: "The account's address is confirmed already." },
  SETUP_ALREADY_DONE: { status: 409, description: 'An admin exists already: the first-admin setup is closed; sign in instead.' },
  // 413 / 414 / 415
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than BODY_LIMIT_BYTES.' },
  URI_TOO_LONG: { status: 414, description: 'The URL is too long.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'Bodies must be `application/json` (an import upload: XML, JSON lines or octet-stream).',
  },
  // 422
  IDEMPOTENCY_KEY_REUSED: { status: 422, description: 'This Idempotency-Key was used for a different comment.' },
  // 429
  RATE_LIMITED: { status: 429, description: 'Too many requests; wait `Retry-After` seconds (see the RateLimit headers).' },
  TOO_MANY_STREAMS: {
    status: 429,
    description:
      'This address already holds SSE_MAX_STREAMS_PER_IP live-update streams on this instance; close one, or retry after `Retry-After` seconds.',
  },
  // 431
  HEADERS_TOO_LARGE: { status: 431, description: 'The request headers are too large.' },
  // 5xx
  INTERNAL_ERROR: { status: 500, description: 'A bug: the request failed unexpectedly (logged with its request id).' },
  DATABASE_UNAVAILABLE: {
    status: 503,
    description:
      'The database is unreachable, saturated, restarting or too slow (or the request lost a deadlock twice); retry after `Retry-After` seconds (posts: with the same Idempotency-Key).',
  },
  SSO_KEYS_UNAVAILABLE: {
    status: 503,
    description:
      "The publisher's key set (SSO_JWKS_URL) cannot be fetched and no cached key verifies the token; retry after `Retry-After` seconds.",
  },
  STREAMS_AT_CAPACITY: {
    status: 503,
    description:
      'This instance already holds SSE_MAX_STREAMS live-update streams; retry after `Retry-After` seconds (possibly reaching another instance).',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    description:
      'The service cannot take the request now (it is shutting down, or overloaded: too many sign-ins waiting for password hashing); retry after `Retry-After` seconds.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The codes whose catalog status is `S` (so `AppError.notFound` only takes 404 codes). */
export type ErrorCodeWithStatus<S extends number> = {
  [K in ErrorCode]: (typeof ERROR_CATALOG)[K]['status'] extends S ? K : never;
}[ErrorCode];

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOG, code);
}

export function errorInfo(code: ErrorCode): ErrorCodeInfo {
  return ERROR_CATALOG[code];
}

/** The realm every Bearer challenge names. */
export const AUTH_REALM = 'newsroom';

/** RFC 6750 §3 challenge for a 401 / 403 carrying `code`; undefined for codes that send none. */
export function bearerChallenge(code: ErrorCode, description?: string): string | undefined {
  const info: ErrorCodeInfo = ERROR_CATALOG[code];
  if (info.status !== 401 && !info.bearerError) return undefined;
  let challenge = `Bearer realm="${AUTH_REALM}"`;
  if (info.bearerError) {
    challenge += `, error="${info.bearerError}"`;
    // error_description is a quoted-string of visible ASCII (RFC 6750 §3): drop anything else.
    if (description) challenge += `, error_description="${description.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '')}"`;
  }
  return challenge;
}
