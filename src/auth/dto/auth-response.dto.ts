import { ApiProperty } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user.dto.js';

export class AuthTokensDto {
  @ApiProperty()
  user: UserDto;

  @ApiProperty({
    description: 'JWT for `Authorization: Bearer`',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzZDhlMmYxYSJ9.c2lnbmF0dXJl',
  })
  accessToken: string;

  @ApiProperty({ description: 'opaque; spend it once at /api/auth/refresh', example: 'Xq3v9Jm2LwP0sT7yR4nB8cD1eF6gH5iK2lM9oN0pQ3r' })
  refreshToken: string;

  @ApiProperty({ type: 'integer', description: 'seconds until the access token expires', example: 900 })
  expiresIn: number;
}
