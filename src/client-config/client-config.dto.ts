import { ApiProperty } from '@nestjs/swagger';

export class ClientAuthConfigDto {
  @ApiProperty({
    enum: ['true', 'staff', 'false'],
    description: 'LOCAL_AUTH: `true` readers register and sign in with a password here; `staff` only staff; `false` nobody',
    example: 'true',
  })
  local: 'true' | 'staff' | 'false';

  @ApiProperty({ description: "sign-in with the publisher's token (POST /api/auth/sso) is set up", example: false })
  sso: boolean;
}

export class ClientCommentsConfigDto {
  @ApiProperty({ type: 'integer', description: 'COMMENT_EDIT_WINDOW_SECONDS: how long after posting an author may edit', example: 900 })
  editWindowSeconds: number;

  @ApiProperty({ type: 'integer', description: 'longest comment, in Unicode code points', example: 5000 })
  maxLength: number;

  @ApiProperty({ type: 'integer', description: 'longest report reason, in Unicode code points', example: 500 })
  reportReasonMaxLength: number;

  @ApiProperty({ type: [String], description: 'REACTION_KINDS: the reactions readers may give a comment', example: ['like'] })
  reactionKinds: string[];
}

export class ClientDsaConfigDto {
  @ApiProperty({ type: String, format: 'uri', nullable: true, description: "DSA_TERMS_URL: the site's rules for comments", example: null })
  termsUrl: string | null;

  @ApiProperty({ type: 'integer', description: 'DSA_APPEAL_WINDOW_MONTHS: how long a decision can be appealed', example: 6 })
  appealWindowMonths: number;
}

export class ClientMailConfigDto {
  @ApiProperty({
    description:
      'this site sends e-mail (SMTP_URL is set; in development, mails written to MAIL_DEV_DIR): readers may ask to be told of replies (PUT /api/me/notifications)',
    example: true,
  })
  enabled: boolean;
}

/** What the service's pages (the reader's widget, the console) need to know about this deployment. */
export class ClientConfigDto {
  @ApiProperty()
  auth: ClientAuthConfigDto;

  @ApiProperty()
  comments: ClientCommentsConfigDto;

  @ApiProperty()
  dsa: ClientDsaConfigDto;

  @ApiProperty()
  mail: ClientMailConfigDto;
}

export class ClientConfigResponse {
  @ApiProperty()
  config: ClientConfigDto;
}
