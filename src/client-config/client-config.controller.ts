import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { COMMENT_MAX_LENGTH } from '../comments/dto/create-comment.dto.js';
import { Public } from '../common/auth/decorators.js';
import type { CachePolicy } from '../common/http-cache.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { mailMode } from '../config/env-mail.js';
import { ClientConfigResponse } from './client-config.dto.js';

/** Changes only with a deployment: browsers and CDNs keep it for minutes. */
const CONFIG_CACHE: CachePolicy = { maxAge: 300, staleWhileRevalidate: 3600, staleIfError: 86_400 };

@ApiTags('comments')
@Controller()
export class ClientConfigController {
  private readonly body: ClientConfigResponse;

  constructor(config: AppConfig) {
    this.body = {
      config: {
        auth: {
          local: config.get('LOCAL_AUTH'),
          sso: config.get('SSO_JWKS_URL') !== undefined || config.get('SSO_SECRET') !== undefined,
        },
        comments: {
          editWindowSeconds: config.get('COMMENT_EDIT_WINDOW_SECONDS'),
          maxLength: COMMENT_MAX_LENGTH,
          reportReasonMaxLength: 500,
          reactionKinds: config.get('REACTION_KINDS'),
        },
        dsa: { termsUrl: config.get('DSA_TERMS_URL') ?? null, appealWindowMonths: config.get('DSA_APPEAL_WINDOW_MONTHS') },
        mail: { enabled: mailMode(config.env) !== 'off' },
      },
    };
  }

  @Public({ identify: false })
  @Get('client-config')
  @Endpoint({
    operationId: 'getClientConfig',
    summary: "What the service's pages need to know about this deployment",
    description:
      "For the reader's widget and the console: which sign-in methods exist, the edit window, text limits, the site's rules, whether it sends e-mail. Never a secret. Cacheable for minutes.",
    type: ClientConfigResponse,
    cache: CONFIG_CACHE,
    noDatabase: true,
  })
  get(): ClientConfigResponse {
    return this.body;
  }
}
