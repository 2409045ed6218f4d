import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { UserIdParam } from '../users/dto/admin-user.dto.js';
import { UserHistoryDto } from './user-history.dto.js';
import { UserHistoryService } from './user-history.service.js';

@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/users')
export class UserHistoryController {
  constructor(private readonly history: UserHistoryService) {}

  @Get(':userId/history')
  @Endpoint({
    operationId: 'getUserHistory',
    summary: "An author's history (the console's author drawer)",
    description:
      'The account (its age is `user.createdAt`), its comments by status, the latest decisions about it (on its comments, bans, role changes) and staff notes, in one request.',
    type: UserHistoryDto,
    errors: ['USER_NOT_FOUND'],
  })
  get(@Param() { userId }: UserIdParam): Promise<UserHistoryDto> {
    return this.history.history(userId);
  }
}
