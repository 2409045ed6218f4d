import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';

/**
 * The uploaded file of an `upload` route (import-upload.ts parses its media types as raw bytes for that route only).
 * A JSON body, which the JSON parser read instead, is the wrong media type; no body at all is an empty file.
 */
export const UploadedFile = createParamDecorator((_data: unknown, ctx: ExecutionContext): Buffer => {
  const body: unknown = ctx.switchToHttp().getRequest<{ body?: unknown }>().body;
  if (Buffer.isBuffer(body)) {
    if (!body.length) throw new AppError('IMPORT_FILE_EMPTY', 'Send the export file as the request body');
    return body;
  }
  if (body === undefined || body === null) throw new AppError('IMPORT_FILE_EMPTY', 'Send the export file as the request body');
  throw new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    'Send the file as application/xml, application/x-ndjson or application/octet-stream (JSON lines are not one JSON document)',
  );
});
