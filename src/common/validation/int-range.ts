/**
 * PostgreSQL `integer` (int4): the range of every integer a request may carry. Every `@IsInt()` of a request DTO
 * has a `@Max` (and `@Min`) inside it, or the OpenAPI document build fails (common/openapi/request-schemas.ts):
 * `version: 2147483648`, `1e21` or `2^53` is a 400 at the edge, never "out of range for type integer" (a 500) from
 * the database.
 */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;
