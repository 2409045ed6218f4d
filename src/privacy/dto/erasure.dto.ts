import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ExactlyOneOf } from '../../common/openapi/request-schemas.js';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { PASSWORD_MAX } from '../../auth/credential-rules.js';

/** A publisher's token is a few hundred bytes (auth/sso/sso.dto.ts). */
const TOKEN_MAX = 8192;

/**
 * DELETE /api/me: the account holder confirms with exactly one of the two. An access token alone is not enough to
 * erase an account (it may have been taken from an unattended browser).
 */
@ExactlyOneOf('password', 'ssoToken')
export class EraseAccountDto {
  @ApiPropertyOptional({ description: "the account's password (accounts that have one)", example: 'липов цвят над Витоша' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password?: string;

  @ApiPropertyOptional({
    description:
      'for accounts that sign in with the publisher: a fresh token the publisher signed for this reader (as for POST /api/auth/sso; issued at most ' +
      'SSO_MAX_TOKEN_AGE_SECONDS ago), whose (`iss`, `sub`) is linked to this account',
    example:
      'eyJhbGciOiJFUzI1NiIsImtpZCI6InB1Ymxpc2hlci0yMDI2LTExIn0.eyJpc3MiOiJodHRwczovL3d3dy5leGFtcGxlLmJnIiwic3ViIjoiNDIxNyJ9.c2lnbmF0dXJl',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(TOKEN_MAX)
  ssoToken?: string;
}

/** DELETE /api/admin/users/:userId: an erasure the newsroom carries out on a request it received (and verified) itself. */
export class AdminEraseAccountDto {
  @ApiProperty({
    description: 'why, for the audit log (e.g. the ticket of the request)',
    example: 'Искане по чл. 17 GDPR, получено по имейл, №2026-118',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class ErasedCommentsDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'comments kept without an author (their text stays)', example: 14 })
  anonymized: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'comments whose text was erased (each stays as a deleted placeholder in its thread)',
    example: 3,
  })
  erased: number;
}

export class ErasureDto {
  @ApiProperty({ format: 'date-time', example: '2026-12-01T10:00:00.000Z' })
  erasedAt: string;

  @ApiProperty({ enum: ['anonymize', 'delete'], description: 'ERASURE_MODE', example: 'anonymize' })
  mode: 'anonymize' | 'delete';

  @ApiProperty({ type: ErasedCommentsDto })
  comments: ErasedCommentsDto;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'sessions that were still open and were ended (every stored session is deleted)',
    example: 2,
  })
  sessionsEnded: number;
}

export class ErasureResponse {
  @ApiProperty({ type: ErasureDto })
  erasure: ErasureDto;
}
