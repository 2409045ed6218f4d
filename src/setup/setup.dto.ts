import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { RegisterDto } from '../auth/dto/auth.dto.js';

/** The first admin's account, with the one-time code printed at start-up. */
export class SetupAdminDto extends RegisterDto {
  @ApiProperty({ description: 'the code from the setup link the service printed (after `#code=`)', example: 'Jm2LwP0sT7yR4nB8cD1eF6gH' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,64}$/, { message: 'code must be the code from the setup link' })
  code: string;
}

export class SignInOptionsDto {
  @ApiProperty({ description: 'readers may create an account with a password (LOCAL_AUTH=true)', example: true })
  register: boolean;

  @ApiProperty({
    enum: ['everyone', 'staff', 'nobody'],
    description: 'who may sign in with a password (LOCAL_AUTH true, staff, false)',
    example: 'everyone',
  })
  password: 'everyone' | 'staff' | 'nobody';

  @ApiProperty({ description: "sign-in with the publisher's token is set up (POST /api/auth/sso)", example: false })
  sso: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "SSO_LOGIN_URL: the publisher's page the console opens in a popup to sign staff in; it posts the token back (docs/console.md). null: none",
    example: null,
  })
  ssoLoginUrl: string | null;
}
