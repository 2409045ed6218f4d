import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';

export const REPLY_MODES = ['off', 'immediate', 'digest'] as const;
export const MAIL_LOCALES = ['bg', 'en'] as const;

/** PUT /api/me/notifications. */
export class UpdateNotificationsDto {
  @ApiProperty({
    enum: REPLY_MODES,
    example: 'immediate',
    description: 'mail when someone answers your comment: `immediate` (one mail per reply), `digest` (one mail a day), `off`',
  })
  @IsIn(REPLY_MODES)
  replies: (typeof REPLY_MODES)[number];

  @ApiProperty({ enum: MAIL_LOCALES, example: 'bg', description: 'the language of your mails' })
  @IsIn(MAIL_LOCALES)
  locale: (typeof MAIL_LOCALES)[number];

  @ApiPropertyOptional({
    example: false,
    default: false,
    description: 'moderators and admins: a daily mail about the moderation queue (how many comments wait, the oldest); ignored for readers',
  })
  @IsOptional()
  @IsBoolean()
  queueDigest?: boolean;
}

export class NotificationsDto {
  @ApiProperty({ enum: REPLY_MODES, example: 'immediate' })
  replies: (typeof REPLY_MODES)[number];

  @ApiProperty({ enum: MAIL_LOCALES, example: 'bg' })
  locale: (typeof MAIL_LOCALES)[number];

  @ApiProperty({ example: false, description: 'the daily mail about the moderation queue (sent to moderators and admins only)' })
  queueDigest: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'reader@example.bg',
    description: 'where mails go (null: the account has no address)',
  })
  email: string | null;

  @ApiProperty({
    example: true,
    description: 'the address is confirmed; no mail is sent to an unconfirmed one (POST /api/me/email/confirmation)',
  })
  emailVerified: boolean;

  @ApiProperty({ example: true, description: 'this site sends mail at all (SMTP_URL is set)' })
  mailEnabled: boolean;
}

export class NotificationsResponse {
  @ApiProperty()
  notifications: NotificationsDto;
}

export class ConfirmationSentDto {
  @ApiProperty({ example: 'reader@example.bg' })
  email: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-10T09:30:00.000Z', description: 'the link works until then' })
  expiresAt: string;
}

export class ConfirmationSentResponse {
  @ApiProperty()
  confirmation: ConfirmationSentDto;
}

const TOKEN_RULE = /^[A-Za-z0-9_.-]+$/;

/** POST /api/email/confirm: the token from the confirmation link. */
export class ConfirmEmailDto {
  @ApiProperty({ example: 'kq3V0vO1m3w7y6Jc2Qm7Hk9cZ8sTq0xW2nL4pYb5aRE', description: 'the `token` of the link in the confirmation mail' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  @Matches(TOKEN_RULE)
  token: string;
}

/** The `?token=` of the links in mails. */
export class MailTokenQueryDto {
  @ApiProperty({ example: 'Ab3xQ9lmT0KwX2mHqv1Z8w.c2lnbmF0dXJlLXNpZ25hdHVyZQ', description: 'the token of the link in the mail' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  @Matches(TOKEN_RULE)
  token: string;
}

export class EmailConfirmedDto {
  @ApiProperty({ example: 'reader@example.bg' })
  email: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-08T09:30:00.000Z' })
  emailVerifiedAt: string;
}

export class EmailConfirmedResponse {
  @ApiProperty()
  confirmed: EmailConfirmedDto;
}

export class UnsubscribedResponse {
  @ApiProperty({ enum: ['off'], example: 'off', description: 'reply notifications of the account the link names are now off' })
  replies: 'off';

  @ApiProperty({ enum: [false], example: false, description: 'and so is the daily mail about the moderation queue' })
  queueDigest: false;
}

/** The RFC 8058 one-click body (`List-Unsubscribe=One-Click`, sent as a form); optional, and nothing else. */
export class OneClickUnsubscribeDto {
  @ApiPropertyOptional({ enum: ['One-Click'], example: 'One-Click', description: 'what a mail program sends (RFC 8058); may be left out' })
  @IsOptional()
  @IsIn(['One-Click'])
  'List-Unsubscribe'?: 'One-Click';
}
