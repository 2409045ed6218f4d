import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { PASSWORD_MAX } from '../credential-rules.js';

/** A publisher's token is a few hundred bytes; this leaves room for generous claims, not for abuse. */
const TOKEN_MAX = 8192;

export class SsoSignInDto {
  @ApiProperty({
    description:
      'a JWT the publisher signed for this reader (`iss` = SSO_ISSUER, `aud` = SSO_AUDIENCE, `sub`, `exp`, `iat`; optional `email`, `username`, `name`)',
    example:
      'eyJhbGciOiJFUzI1NiIsImtpZCI6InB1Ymxpc2hlci0yMDI2LTExIn0.eyJpc3MiOiJodHRwczovL3d3dy5leGFtcGxlLmJnIiwiYXVkIjoibmV3c3Jvb20tY29tbWVudHMiLCJzdWIiOiI0MjE3IiwibmFtZSI6ItCY0LLQsNC9INCf0LXRgtGA0L7QsiJ9.c2lnbmF0dXJl',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(TOKEN_MAX)
  token: string;

  @ApiPropertyOptional({
    description:
      "only to link a first publisher sign-in to an existing account with the same email (after 409 SSO_EMAIL_CONFLICT): that account's password",
    example: 'липов цвят над Витоша',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password?: string;
}
