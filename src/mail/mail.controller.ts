import { Body, Controller, Get, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AllowBanned, CurrentUser, Public } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import {
  ConfirmationSentResponse,
  ConfirmEmailDto,
  EmailConfirmedResponse,
  MailTokenQueryDto,
  OneClickUnsubscribeDto,
  NotificationsResponse,
  UnsubscribedResponse,
  UpdateNotificationsDto,
} from './dto/mail.dto.js';
import { confirmedPage, confirmFormPage, PAGE_HEADERS, unsubscribedPage, unsubscribeFormPage } from './mail-pages.js';
import { MailPreferencesService } from './mail-preferences.service.js';

/*
 * Rate limits: a confirmation mail costs a send and lands in someone's inbox (5 an hour per account); the public
 * links are checked against a signature or a hash, so guessing is hopeless, but each try costs a query (60 per
 * 10 minutes per address).
 */
const CONFIRMATION_LIMIT = { name: 'mail-confirmation', limit: 5, windowSeconds: 3600, per: 'user' } as const;
const LINK_LIMIT = { name: 'mail-link', limit: 60, windowSeconds: 600, per: 'ip' } as const;

/** Whether the request came from a page's form (the person pressed the button) rather than from a program. */
const fromForm = (req: FastifyRequest) =>
  /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(req.headers['content-type'] ?? '');

const EXAMPLE_PAGE =
  '<!doctype html><html lang="bg"><head><meta charset="utf-8"><title>…</title></head><body><h1>…</h1><form method="post">…</form></body></html>';

/** E-mail notifications (docs/mail.md): preferences, the address's double opt-in, and the links in mails. */
@ApiTags('mail')
@Controller()
export class MailController {
  constructor(private readonly preferences: MailPreferencesService) {}

  @AllowBanned()
  @Get('me/notifications')
  @Endpoint({
    operationId: 'getMyNotifications',
    summary: 'Your e-mail notification settings',
    description:
      'Whether you get a mail when someone answers your comment (`immediate` or a daily `digest`), in which language, and whether your address is ' +
      'confirmed: nothing is sent to an unconfirmed address. Decisions about your comments or account (statements of reasons) are mailed to a ' +
      'confirmed address whatever these settings say.',
    type: NotificationsResponse,
  })
  async get(@CurrentUser() user: AuthUser): Promise<NotificationsResponse> {
    return { notifications: await this.preferences.get(user.id) };
  }

  @AllowBanned()
  @Put('me/notifications')
  @Endpoint({
    operationId: 'updateMyNotifications',
    summary: 'Change your e-mail notification settings',
    description:
      'Replaces both settings. Choosing `immediate` or `digest` takes effect once the address is confirmed (POST /api/me/email/confirmation). ' +
      'A banned account receives no reply notifications while the ban lasts.',
    type: NotificationsResponse,
  })
  async update(@CurrentUser() user: AuthUser, @Body() dto: UpdateNotificationsDto): Promise<NotificationsResponse> {
    return { notifications: await this.preferences.update(user.id, dto) };
  }

  @AllowBanned()
  @RateLimit(CONFIRMATION_LIMIT)
  @Post('me/email/confirmation')
  @Endpoint({
    operationId: 'requestEmailConfirmation',
    summary: 'Mail yourself a link that confirms your address',
    description:
      'Double opt-in: a mail with a link (valid 48 hours) goes to the account’s address; following it and pressing the button confirms the ' +
      'address (POST /api/email/confirm). A new request voids the earlier links. 404 `MAIL_NOT_CONFIGURED` when this site sends no mail, ' +
      '409 `NO_EMAIL_ADDRESS` / `EMAIL_ALREADY_VERIFIED`.',
    type: ConfirmationSentResponse,
    errors: ['MAIL_NOT_CONFIGURED', 'NO_EMAIL_ADDRESS', 'EMAIL_ALREADY_VERIFIED'],
  })
  async requestConfirmation(@CurrentUser() user: AuthUser): Promise<ConfirmationSentResponse> {
    return { confirmation: await this.preferences.requestConfirmation(user) };
  }

  @Public({ identify: false })
  @RateLimit(LINK_LIMIT)
  @Get('email/confirm')
  @Endpoint({
    operationId: 'showEmailConfirmation',
    summary: 'The page of the confirmation link: a button that confirms',
    description:
      'What the link in the confirmation mail opens. Nothing is confirmed by opening it (mail scanners open links); the button sends POST /api/email/confirm.',
    html: { description: 'A page with the confirmation button', example: EXAMPLE_PAGE },
    noStore: true,
  })
  showConfirm(@Query() q: MailTokenQueryDto, @Res() reply: FastifyReply): void {
    void reply.headers(PAGE_HEADERS).send(confirmFormPage(q.token));
  }

  @Public({ identify: false })
  @RateLimit(LINK_LIMIT)
  @Post('email/confirm')
  // A JSON body, or the form of the link's page and of a mail program's one-click POST (RFC 8058).
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @Endpoint({
    operationId: 'confirmEmail',
    summary: 'Confirm your address with the token of the confirmation link',
    description:
      'Needs no sign-in: the token proves the mail was received. Marks the address confirmed if it is still the account’s address; a token works ' +
      'once, for 48 hours (400 `INVALID_MAIL_TOKEN` otherwise). A JSON body answers JSON; the page’s form (`application/x-www-form-urlencoded`) ' +
      'answers a page.',
    type: EmailConfirmedResponse,
    html: { description: 'Confirmed: JSON, or a page for a form', example: EXAMPLE_PAGE },
    errors: ['INVALID_MAIL_TOKEN'],
    noStore: true,
  })
  async confirm(@Body() dto: ConfirmEmailDto, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const confirmed = await this.preferences.confirm(dto.token);
    if (fromForm(req)) void reply.headers(PAGE_HEADERS).send(confirmedPage(confirmed.email));
    else void reply.header('cache-control', 'no-store').send({ confirmed } satisfies EmailConfirmedResponse);
  }

  @Public({ identify: false })
  @RateLimit(LINK_LIMIT)
  @Get('email/unsubscribe')
  @Endpoint({
    operationId: 'showUnsubscribe',
    summary: 'The page of the unsubscribe link: a button that unsubscribes',
    description:
      'What the unsubscribe link at the foot of every mail opens. Opening it changes nothing (mail scanners open links); the button sends the ' +
      'POST. 400 `INVALID_MAIL_TOKEN` for a token this service did not sign.',
    html: { description: 'A page with the unsubscribe button', example: EXAMPLE_PAGE },
    errors: ['INVALID_MAIL_TOKEN'],
    noStore: true,
  })
  async showUnsubscribe(@Query() q: MailTokenQueryDto, @Res() reply: FastifyReply): Promise<void> {
    await this.preferences.checkUnsubscribe(q.token);
    void reply.headers(PAGE_HEADERS).send(unsubscribeFormPage(q.token));
  }

  @Public({ identify: false })
  @RateLimit(LINK_LIMIT)
  @Post('email/unsubscribe')
  // A JSON body, or the form of the link's page and of a mail program's one-click POST (RFC 8058).
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded', 'multipart/form-data')
  @Endpoint({
    operationId: 'unsubscribe',
    summary: 'One-click unsubscribe (RFC 8058)',
    description:
      'The URL of every mail’s `List-Unsubscribe` header (with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`): a mail program POSTs ' +
      '`List-Unsubscribe=One-Click` to it, without cookies or sign-in; the signed `token` names the account. Reply notifications are turned off and ' +
      'replies waiting for a digest are dropped; mails about decisions concerning the account still come. Repeating it changes nothing. ' +
      'A form body answers a page, any other a JSON body.',
    type: UnsubscribedResponse,
    html: { description: 'Unsubscribed: JSON, or a page for a form', example: EXAMPLE_PAGE },
    errors: ['INVALID_MAIL_TOKEN'],
    noStore: true,
  })
  async unsubscribe(
    @Query() q: MailTokenQueryDto,
    @Body() _body: OneClickUnsubscribeDto,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.preferences.unsubscribe(q.token);
    if (fromForm(req)) void reply.headers(PAGE_HEADERS).send(unsubscribedPage());
    else void reply.header('cache-control', 'no-store').send({ replies: 'off', queueDigest: false } satisfies UnsubscribedResponse);
  }
}
