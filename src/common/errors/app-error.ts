import { HttpStatus } from '@nestjs/common';

export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** A domain error with a stable machine-readable code. The global filter turns it into the error body. */
export class AppError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(code: string, message: string): AppError {
    return new AppError(HttpStatus.NOT_FOUND, code, message);
  }

  static badRequest(code: string, message: string, details?: ErrorDetail[]): AppError {
    return new AppError(HttpStatus.BAD_REQUEST, code, message, details);
  }

  static conflict(code: string, message: string, details?: ErrorDetail[]): AppError {
    return new AppError(HttpStatus.CONFLICT, code, message, details);
  }

  static forbidden(code: string, message: string): AppError {
    return new AppError(HttpStatus.FORBIDDEN, code, message);
  }

  static unauthorized(code: string, message: string): AppError {
    return new AppError(HttpStatus.UNAUTHORIZED, code, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}
