import { ERROR_CATALOG, type ErrorCode, type ErrorCodeWithStatus } from './error-codes.js';

export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/**
 * A domain error with a stable machine-readable code from the catalog (error-codes.ts), which also fixes its HTTP
 * status. The global filter turns it into the error body.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CATALOG[code].status;
  }

  static notFound(code: ErrorCodeWithStatus<404>, message: string): AppError {
    return new AppError(code, message);
  }

  static badRequest(code: ErrorCodeWithStatus<400>, message: string, details?: ErrorDetail[]): AppError {
    return new AppError(code, message, details);
  }

  static conflict(code: ErrorCodeWithStatus<409>, message: string, details?: ErrorDetail[]): AppError {
    return new AppError(code, message, details);
  }

  static forbidden(code: ErrorCodeWithStatus<403>, message: string): AppError {
    return new AppError(code, message);
  }

  static unauthorized(code: ErrorCodeWithStatus<401>, message: string): AppError {
    return new AppError(code, message);
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}
