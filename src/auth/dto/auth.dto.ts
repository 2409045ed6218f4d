import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength, ValidateBy, type ValidationArguments } from 'class-validator';
import { hasInvisibleCharacters } from '../../common/text/invisible.js';
import { emailMixesScripts, normalizeEmail } from '../../common/text/email.js';
import { canonicalUsername, checkUsername, USERNAME_RULE, USERNAME_SHAPE } from '../../users/username-rules.js';
import { PASSWORD_MAX, PASSWORD_MIN, PASSWORD_TOO_BLANK, passwordEqualsIdentity, passwordStrengthLength } from '../credential-rules.js';

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

/** PASSWORD_MIN counts characters other than spaces: ten spaces (or "a" and nine spaces) are not a password. */
const NotMostlyBlank = () =>
  ValidateBy({
    name: 'notMostlyBlank',
    validator: {
      // Shorter ones are MinLength's to refuse (one message per problem).
      validate: (value: unknown) =>
        typeof value !== 'string' || value.length < PASSWORD_MIN || passwordStrengthLength(value) >= PASSWORD_MIN,
      defaultMessage: () => PASSWORD_TOO_BLANK,
    },
  });

/** The username rules of username-rules.ts (all but the reserved list, which the service checks), one message. */
const IsUsername = () =>
  ValidateBy({
    name: 'isUsername',
    constraints: [USERNAME_SHAPE],
    validator: {
      validate: (value: unknown) => typeof value === 'string' && checkUsername(value).ok,
      defaultMessage: (args?: ValidationArguments) => {
        const check = typeof args?.value === 'string' ? checkUsername(args.value) : undefined;
        return check && !check.ok ? check.message : USERNAME_RULE;
      },
    },
  });

/** Latin and Cyrillic (or Greek) letters mixed in one part of an address: a look-alike of another address. */
const SingleScriptEmail = () =>
  ValidateBy({
    name: 'singleScriptEmail',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !emailMixesScripts(value),
      defaultMessage: () => 'email must not mix Latin, Cyrillic or Greek letters in one part',
    },
  });

/** Zero-width and other invisible characters would let two addresses that look alike differ. */
const NoInvisibleCharacters = () =>
  ValidateBy({
    name: 'noInvisibleCharacters',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !hasInvisibleCharacters(value),
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must not contain invisible or formatting characters`,
    },
  });

export class RegisterDto {
  @ApiProperty({ example: 'ivan.petrov@example.bg' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeEmail(value) : value))
  @IsString()
  @MaxLength(254)
  @NoInvisibleCharacters()
  @SingleScriptEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;

  @ApiProperty({
    example: 'ivan_petrov',
    description: '3-32 letters of one script (Latin or Cyrillic), digits, _ or -; unique, also against look-alike names',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? canonicalUsername(value) : value))
  @IsString()
  @IsUsername()
  username: string;

  @ApiProperty({
    description: `must differ from the email and the username; at least ${PASSWORD_MIN} characters other than spaces`,
    example: 'липов цвят над Витоша',
  })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @NotMostlyBlank()
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
