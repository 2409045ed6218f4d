import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { completeDocument } from './document-completion.js';
import { discoverEndpoints } from './endpoint-discovery.js';

/**
 * The OpenAPI 3.1 document of the running application: title, description and tags here, the paths and schemas from
 * @nestjs/swagger, then completed from the routes' metadata (document-completion.ts).
 */

export const API_VERSION = '0.2.0';

const TAGS: [string, string][] = [
  ['articles', 'Published articles (public reads; creation under admin).'],
  ['comments', 'Reading, posting, editing, deleting and reporting comments; comment counts for article and listing pages.'],
  ['auth', 'Accounts and sessions: register, sign in, rotate and revoke refresh tokens.'],
  ['admin', 'Moderation queue and decisions, bans, word filters, article comment settings, roles, the audit log, appeals and transparency reports. Moderators and admins.'],
  ['dsa', 'Digital Services Act: notices of illegal content (Art. 16), the statements of reasons you received (Art. 17) and appeals against them (Art. 20).'],
  ['health', 'Liveness and readiness probes.'],
];

const DESCRIPTION = `Articles, readers, moderated comments and exact comment counts.

- **Errors** always have the body \`{ "error": { "code", "message", "details"? } }\`. Each operation lists the
  codes it can answer with; \`x-error-codes\` (and the \`ErrorCode\` schema) is the full catalog.
- **Authentication**: \`Authorization: Bearer <accessToken>\` from register/login/refresh. Routes with
  \`security: []\` are public. A 401 carries \`WWW-Authenticate: Bearer\` (with \`error="invalid_token"\` when the
  token itself was rejected).
- **Banned (suspended) accounts** sign in as usual (\`user.ban\` is set), but every operation that needs a token
  answers them 403 \`USER_BANNED\` unless it is marked \`x-allow-banned: true\`: their account, the decisions about it
  and appeals against them (DSA Art. 17, 20), the export and erasure of their data (GDPR Art. 15, 17, 20), their own
  reports. Public operations with that mark still recognise them (their own pending comments, their notices); on
  the other public operations a banned account's token is ignored, as if none had been sent.
- **Caching**: public reads carry \`ETag\` and \`Cache-Control\`; send \`If-None-Match\` to get 304. Responses to
  signed-in callers, token responses and every admin response are \`Cache-Control: no-store\`.
- **Rate limits**: limited routes send \`RateLimit-Policy\` and \`RateLimit\` (IETF draft) on every response,
  and \`Retry-After\` with 429.
- **Pagination**: \`limit\` (1-100) and the opaque \`cursor\` from the previous page's \`nextCursor\` (null on the last page).
- Unknown body fields and unknown query parameters are rejected with 400 \`VALIDATION_FAILED\` on every operation.
- **Transport**: any request can be refused before routing with 408 \`REQUEST_TIMEOUT\`, 414 \`URI_TOO_LONG\` or
  431 \`HEADERS_TOO_LARGE\`; a path with other methods answers 405 \`METHOD_NOT_ALLOWED\` with \`Allow\`, before
  authentication; a plain \`OPTIONS\` answers 204 with \`Allow\`.`;

/** The OpenAPI 3.1 document of the running application, completed from the routes' metadata (see Endpoint). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Newsroom comments API')
    .setDescription(DESCRIPTION)
    .setVersion(API_VERSION)
    .addServer('/', 'This deployment: the origin the document was fetched from (so "Try it out" and generated clients use it)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken from register, login or refresh (15 minutes).' }, 'bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  completeDocument(document, discoverEndpoints(app));
  return document;
}
