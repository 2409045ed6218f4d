import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength, ValidateBy, type ValidationArguments } from 'class-validator';
import { normalizeEmail } from '../../users/user.mapper.js';
import { canonicalUsername, PASSWORD_MAX, PASSWORD_MIN, passwordEqualsIdentity, USERNAME_PATTERN, USERNAME_RULE } from '../credential-rules.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Field-level rule, so it is reported as VALIDATION_FAILED together with any other field errors. */
const NotEqualToEmailOrUsername = () =>
  ValidateBy({
    name: 'notEqualToEmailOrUsername',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const dto = args?.object as Partial<RegisterDto> | undefined;
        return typeof value !== 'string' || !passwordEqualsIdentity(value, dto?.email, dto?.username);
      },
      defaultMessage: () => 'password must not equal the email or the username',
    },
  });

export class RegisterDto {
  @ApiProperty({ example: 'ivan.petrov@example.bg' })
  @Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value))
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;

  @ApiProperty({ example: 'ivan_petrov', description: '3-32 Latin or Cyrillic letters, digits, _ or -' })
  @Transform(({ value }) => (typeof value === 'string' ? canonicalUsername(value) : value))
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  @ApiProperty({ description: 'must differ from the email and the username', example: 'липов цвят над Витоша' })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  @NotEqualToEmailOrUsername()
  password: string;
}

export class LoginDto {
  @ApiProperty({ description: 'email or username', example: 'ivan_petrov' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  login: string;

  @ApiProperty({ example: 'липов цвят над Витоша' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ example: 'Xq3v9Jm2LwP0sT7yR4nB8cD1eF6gH5iK2lM9oN0pQ3r' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken: string;
}
