import { Body, Controller, Get, Headers, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AllowBanned, CurrentUser, Public } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { CreateNoticeDto, NoticeIdParam, NoticeReceiptDto, NoticeResponse } from './dto/notice.dto.js';
import { NoticesService } from './notices.service.js';

/**
 * Notices of illegal content (DSA Art. 16), open to anyone. The outcome is read with the access key from the receipt,
 * sent as the `Notice-Key` header rather than in the URL: URLs end up in access logs, browser history and Referer
 * headers; a header does not.
 */
@ApiTags('dsa')
@Controller('notices')
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  @Public()
  @RateLimit(
    { name: 'notice-ip', limit: 10, windowSeconds: 600, per: 'ip' },
    { name: 'notice-user', limit: 30, windowSeconds: 3600, per: 'user' },
  )
  @Post()
  @Endpoint({
    operationId: 'createNotice',
    summary: 'Notify illegal content in a comment (DSA Art. 16)',
    description:
      "Anyone may send one. `notifierName` and `notifierEmail` are required unless `categorySpecification` names child sexual abuse material (KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL, KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE, KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS); a signed-in reader's own name and email fill them in (not a banned account's: its token is ignored here, and it sends a notice as anyone may). The answer is the receipt; keep `accessKey` (shown once) to read the decision. The comment stays visible until a moderator decides.",
    status: 201,
    type: NoticeReceiptDto,
    errors: ['COMMENT_NOT_FOUND', 'CANNOT_REPORT_OWN_COMMENT', 'NOTIFIER_ON_HOLD', 'DUPLICATE_NOTICE'],
    location: (body: NoticeReceiptDto) => `/api/notices/${body.notice.id}`,
    noStore: true,
  })
  create(@Body() dto: CreateNoticeDto, @CurrentUser() viewer?: AuthUser): Promise<NoticeReceiptDto> {
    return this.notices.submit(dto, viewer);
  }

  @Public()
  @AllowBanned()
  @ApiHeader({
    name: 'Notice-Key',
    required: false,
    description: 'the `accessKey` from the receipt; not needed when signed in as the notifier',
    schema: { type: 'string', maxLength: 100 },
  })
  @Get(':noticeId')
  @Endpoint({
    operationId: 'getNotice',
    summary: 'A notice and its outcome (DSA Art. 16(4)-(5))',
    description: 'With the `Notice-Key` header from the receipt, or signed in as the reader who sent it. Any other caller gets 404.',
    type: NoticeResponse,
    errors: ['NOTICE_NOT_FOUND'],
    noStore: true,
  })
  async get(
    @Param() { noticeId }: NoticeIdParam,
    @Headers('notice-key') key?: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<NoticeResponse> {
    return { notice: await this.notices.read(noticeId, typeof key === 'string' && key.length <= 100 ? key : undefined, viewer) };
  }
}
