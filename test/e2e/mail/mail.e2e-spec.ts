import { randomUUID } from 'node:crypto';
import { MailTransport } from '../../../src/mail/mail-transport.js';
import { MailWorker } from '../../../src/mail/mail-worker.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { type ReceivedMail, SmtpSink } from '../../helpers/smtp.js';
import { AUDIENCE, ISSUER, signWithSecret, SSO_SECRET } from '../../helpers/publisher.js';
import { poll } from '../../helpers/widget.js';
import { authHeader, createArticle, createComment, createUser, type TestArticle, type TestUser } from '../../factories/index.js';

/**
 * E-mail end to end: a real SMTP server in this process (test/helpers/smtp.ts) receives what the real app and its
 * outbox worker send, on a database of its own (no other file's replies or workers). Retry timing is shortened
 * through the MAIL_* variables; the digest runs when called.
 */

const PUBLIC_URL = 'http://comments.example.test';
let db: ScratchDatabase;
let sink: SmtpSink;
let t: TestApp;
let article: TestArticle;
let moderator: TestUser;

const env = () => ({
  DATABASE_URL: db.url,
  SMTP_URL: sink.url,
  MAIL_FROM: 'Коментари <comments@example.test>',
  PUBLIC_URL,
  MAIL_POLL_INTERVAL_MS: '50',
  MAIL_RETRY_BASE_MS: '100',
  MAIL_RETRY_MAX_DELAY_MS: '300',
  MAIL_MAX_ATTEMPTS: '50',
  // Twelve hours away: the worker's own digest run never picks up the replies these tests hold.
  MAIL_DIGEST_HOUR_UTC: String((new Date().getUTCHours() + 12) % 24),
  // Publisher sign-in, for accounts whose address the publisher vouches for.
  SSO_SECRET,
  SSO_ISSUER: ISSUER,
  SSO_AUDIENCE: AUDIENCE,
});

/** A reader with a confirmed address who chose `replies` (the confirmation flow itself has its own test). */
async function subscriber(replies: 'immediate' | 'digest' = 'immediate', locale: 'bg' | 'en' = 'bg', email?: string): Promise<TestUser> {
  const u = await createUser(t, email ? { email } : {});
  await t.prisma.user.update({ where: { id: u.id }, data: { emailVerifiedAt: new Date() } });
  await t.http.put('/api/me/notifications').set(authHeader(u)).send({ replies, locale }).expect(200);
  return u;
}

const approvedComment = (author: { id: string }, body?: string, parentId?: string) =>
  createComment(t, article, author, { status: 'approved', ...(body && { body }), ...(parentId && { parentId }) });

const outboxOf = (userId: string) => t.prisma.mailOutbox.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
const pathOf = (url: string) => url.slice(PUBLIC_URL.length);
const unsubscribeUrl = (m: ReceivedMail) => /^<([^>]+)>$/.exec(m.headers['list-unsubscribe'] ?? '')?.[1] ?? '';

beforeAll(async () => {
  db = await scratchDatabase('mail', { migrated: true });
  sink = await SmtpSink.start();
  t = await startTestApp(env());
  article = await createArticle(t, { title: 'Избори & <резултати>' });
  moderator = await createUser(t, { role: 'moderator' });
});
afterAll(async () => {
  await t?.close();
  await sink?.stop();
  await db?.drop();
});

describe('mail settings', () => {
  it('should say in /api/health that mail is on, with the outbox backlog', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.body.checks.mail).toEqual({ status: 'on', pending: expect.any(Number), failedLastDay: expect.any(Number) });
  });

  it('should say mail is off without SMTP_URL, and send no confirmation link', async () => {
    const off = await startTestApp({ ...env(), SMTP_URL: '', MAIL_FROM: '' });
    try {
      expect((await off.http.get('/api/health').expect(200)).body.checks.mail).toEqual({ status: 'off' });
      const reader = await createUser(off);
      const res = await off.http.post('/api/me/email/confirmation').set(authHeader(reader)).expect(404);
      expect(res.body.error.code).toBe('MAIL_NOT_CONFIGURED');
      expect((await off.http.get('/api/me/notifications').set(authHeader(reader)).expect(200)).body.notifications.mailEnabled).toBe(false);
    } finally {
      await off.close();
    }
  });
});

describe('double opt-in', () => {
  it('should mail nothing to an unconfirmed address, confirm it through the link, and only then mail replies', async () => {
    const reader = await createUser(t);
    await t.http.put('/api/me/notifications').set(authHeader(reader)).send({ replies: 'immediate', locale: 'bg' }).expect(200);
    const mine = await approvedComment(reader);
    await approvedComment(await createUser(t), 'Първи отговор', mine.id);
    expect(await outboxOf(reader.id)).toEqual([]);
    expect((await t.http.get('/api/me/notifications').set(authHeader(reader)).expect(200)).body.notifications).toEqual({
      replies: 'immediate',
      locale: 'bg',
      queueDigest: false,
      email: reader.email,
      emailVerified: false,
      mailEnabled: true,
    });

    const sent = await t.http.post('/api/me/email/confirmation').set(authHeader(reader)).expect(200);
    expect(sent.body.confirmation.email).toBe(reader.email);
    await poll(() => sink.to(reader.email).length).toBe(1);
    const [confirmation] = sink.to(reader.email);
    expect(confirmation!.subject).toBe('Потвърдете адреса си за известия');
    const link = /(http:\/\/comments\.example\.test\/api\/email\/confirm\?token=[A-Za-z0-9_-]+)/.exec(confirmation!.text)?.[1];
    expect(link).toBeDefined();
    const token = new URL(link!).searchParams.get('token')!;
    // Opening the link (a mail scanner does) shows a button and confirms nothing.
    const page = await t.http.get(pathOf(link!)).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<form method="post" action="/api/email/confirm">');
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: reader.id } })).emailVerifiedAt).toBeNull();
    // The button posts the form.
    const confirmed = await t.http.post('/api/email/confirm').type('form').send({ token }).expect(200);
    expect(confirmed.headers['content-type']).toMatch(/^text\/html/);
    expect(confirmed.text).toContain(reader.email);
    expect((await t.http.get('/api/me/notifications').set(authHeader(reader)).expect(200)).body.notifications.emailVerified).toBe(true);
    // A link works once.
    const again = await t.http.post('/api/email/confirm').send({ token }).expect(400);
    expect(again.body.error.code).toBe('INVALID_MAIL_TOKEN');
    await t.http.post('/api/me/email/confirmation').set(authHeader(reader)).expect(409);

    await approvedComment(await createUser(t), 'Втори отговор', mine.id);
    await poll(() => sink.to(reader.email).length).toBe(2);
    expect(sink.to(reader.email)[1]!.text).toContain('Втори отговор');
  });

  it('should take an address as confirmed from a publisher sign-in only when the token says email_verified: true', async () => {
    const signIn = async (claims: Record<string, unknown>) => {
      const res = await t.http
        .post('/api/auth/sso')
        .send({ token: await signWithSecret(SSO_SECRET, { claims }) })
        .expect(200);
      return (
        await t.http
          .get('/api/me/notifications')
          .set(authHeader(res.body.accessToken as string))
          .expect(200)
      ).body.notifications;
    };
    const verified = await signIn({ email: `sso.${randomUUID()}@example.test`, email_verified: true });
    expect(verified.emailVerified).toBe(true);
    const unsaid = await signIn({ email: `sso.${randomUUID()}@example.test` });
    expect(unsaid).toMatchObject({ emailVerified: false, email: expect.any(String) });
  });

  it('should refuse a made-up or altered token', async () => {
    expect(
      (
        await t.http
          .post('/api/email/confirm')
          .send({ token: 'A'.repeat(43) })
          .expect(400)
      ).body.error.code,
    ).toBe('INVALID_MAIL_TOKEN');
    expect(
      (
        await t.http
          .get('/api/email/unsubscribe')
          .query({ token: `${'A'.repeat(22)}.${'B'.repeat(24)}` })
          .expect(400)
      ).body.error.code,
    ).toBe('INVALID_MAIL_TOKEN');
  });
});

describe('reply notifications', () => {
  it('should mail the author of the comment answered, with the article, the link and a one-click unsubscribe that works', async () => {
    const reader = await subscriber();
    const replier = await createUser(t);
    const mine = await approvedComment(reader);
    const reply = await approvedComment(replier, 'Не съм съгласен <b>изобщо</b> & точка', mine.id);
    await poll(() => sink.to(reader.email).length).toBe(1);
    const [mail] = sink.to(reader.email);
    expect(mail!.subject).toBe('Нов отговор на ваш коментар: Избори & <резултати>');
    expect(mail!.text).toContain(`${replier.username} отговори на ваш коментар под „Избори & <резултати>“`);
    expect(mail!.text).toContain('Не съм съгласен <b>изобщо</b> & точка');
    expect(mail!.text).toContain(`${PUBLIC_URL}/articles/${article.slug}#c-${reply.id}`);
    // The HTML part never carries a reader's markup.
    expect(mail!.html).toContain('Не съм съгласен &#60;b&#62;изобщо&#60;/b&#62; &#38; точка');
    expect(mail!.html).not.toContain('<b>изобщо');
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const url = unsubscribeUrl(mail!);
    expect(url.startsWith(`${PUBLIC_URL}/api/email/unsubscribe?token=`)).toBe(true);
    expect(mail!.text).toContain(url);

    // A GET (a scanner, a preview) shows the button and changes nothing.
    const page = await t.http.get(pathOf(url)).expect(200);
    expect(page.text).toContain('name="List-Unsubscribe" value="One-Click"');
    expect((await t.prisma.mailPreference.findUniqueOrThrow({ where: { userId: reader.id } })).replies).toBe('immediate');
    // RFC 8058: the mail program POSTs List-Unsubscribe=One-Click, no cookie, no sign-in.
    const res = await t.http.post(pathOf(url)).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    // RFC 8058 lets the mail program send the same field as multipart/form-data: unsubscribed alike.
    const multipart = await t.http.post(pathOf(url)).field('List-Unsubscribe', 'One-Click');
    expect(multipart.status, multipart.text).toBe(200);
    expect((await t.http.post(pathOf(url)).send({}).expect(200)).body).toEqual({ replies: 'off', queueDigest: false });
    expect((await t.prisma.mailPreference.findUniqueOrThrow({ where: { userId: reader.id } })).replies).toBe('off');

    await approvedComment(replier, 'Още един отговор', mine.id);
    await approvedComment(replier, 'И още един', mine.id);
    expect((await outboxOf(reader.id)).map((m) => m.status)).toEqual(['sent']);
    expect(sink.to(reader.email)).toHaveLength(1);
  });

  it('should not mail for a reply still pending, nor for answering oneself, and mail once the reply is approved', async () => {
    const reader = await subscriber('immediate', 'en');
    const mine = await approvedComment(reader);
    await approvedComment(reader, 'I add to myself', mine.id);
    const pending = await createComment(t, article, await createUser(t), { parentId: mine.id, body: 'Waiting for a moderator' });
    expect(await outboxOf(reader.id)).toEqual([]);
    await t.http.patch(`/api/admin/comments/${pending.id}`).set(authHeader(moderator)).send({ status: 'approved' }).expect(200);
    await poll(() => sink.to(reader.email).length).toBe(1);
    expect(sink.to(reader.email)[0]!.subject).toBe('New reply to your comment: Избори & <резултати>');
  });

  it('should gather the replies of the day into one digest mail', async () => {
    const reader = await subscriber('digest', 'en');
    const mine = await approvedComment(reader);
    const [a, b] = [await createUser(t), await createUser(t)];
    await approvedComment(a, 'First answer', mine.id);
    await approvedComment(b, 'Second answer', mine.id);
    expect((await outboxOf(reader.id)).map((m) => m.status)).toEqual(['held', 'held']);

    expect(await t.app.get(MailWorker).runDigest(new Date(Date.now() + 1000))).toBe(1);
    await poll(() => sink.to(reader.email).length).toBe(1);
    const [digest] = sink.to(reader.email);
    expect(digest!.subject).toBe('2 new replies to your comments');
    expect(digest!.text).toMatch(/First answer[\s\S]*Second answer/);
    expect(digest!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    await poll(async () => (await outboxOf(reader.id)).map((m) => `${m.kind}:${m.status}`).sort()).toEqual([
      'digest:sent',
      'reply:digested',
      'reply:digested',
    ]);
    // Run again: nothing left to gather.
    expect(await t.app.get(MailWorker).runDigest(new Date(Date.now() + 1000))).toBe(0);
  });
});

describe("the moderators' queue digest", () => {
  it('should mail an opted-in moderator how many comments wait, once a day, and never a reader who asks for it', async () => {
    const mod = await createUser(t, { role: 'moderator' });
    const reader = await createUser(t);
    for (const u of [mod, reader]) {
      await t.prisma.user.update({ where: { id: u.id }, data: { emailVerifiedAt: new Date() } });
      const res = await t.http
        .put('/api/me/notifications')
        .set(authHeader(u))
        .send({ replies: 'off', locale: 'en', queueDigest: true })
        .expect(200);
      expect(res.body.notifications.queueDigest).toBe(true);
    }
    await createComment(t, article, reader, { body: 'Waits for a moderator' });
    const today = new Date();
    expect(await t.app.get(MailWorker).runQueueDigest(today)).toBe(1);
    expect(await t.app.get(MailWorker).runQueueDigest(today)).toBe(0);
    await poll(() => sink.to(mod.email).length).toBe(1);
    const [mail] = sink.to(mod.email);
    expect(mail!.subject).toMatch(/^Moderation queue: \d+ comments waiting$/);
    expect(mail!.text).toMatch(/The oldest has waited since: \d{4}-/);
    expect(mail!.text).toContain(`${PUBLIC_URL}/admin`);
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(sink.to(reader.email)).toEqual([]);
  });
});

describe('delivery', () => {
  it('should send each mail exactly once with two instances on one database', async () => {
    const second = await startTestApp(env());
    const sends = [vi.spyOn(t.app.get(MailTransport), 'send'), vi.spyOn(second.app.get(MailTransport), 'send')];
    try {
      const reader = await subscriber();
      const mine = await approvedComment(reader);
      const replier = await createUser(t);
      for (let i = 0; i < 30; i++) await approvedComment(replier, `Отговор ${i}`, mine.id);
      await poll(() => sink.to(reader.email).length, 20_000).toBe(30);
      const rows = await outboxOf(reader.id);
      expect(rows.map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 30 }, () => ['sent', 1]));
      const ids = sink.to(reader.email).map((m) => m.headers['message-id']);
      expect(new Set(ids).size).toBe(30);
      expect(new Set(sink.to(reader.email).map((m) => /Отговор \d+/.exec(m.text)?.[0])).size).toBe(30);
      const [first, other] = sends.map((s) => s.mock.calls.length);
      console.log(`two instances: ${first} + ${other} mails sent`);
      expect(first! + other!).toBe(30);
    } finally {
      for (const s of sends) s.mockRestore();
      await second.close();
    }
  }, 60_000);

  it('should keep a mail while the SMTP server is down, retry it, and deliver it when the server is back', async () => {
    const reader = await subscriber();
    const mine = await approvedComment(reader);
    await sink.stop();
    try {
      await approvedComment(await createUser(t), 'Отговор по време на прекъсване', mine.id);
      await poll(async () => {
        const [row] = await outboxOf(reader.id);
        return row && row.status === 'pending' && row.attempts >= 2 && row.lastError !== null;
      }).toBe(true);
    } finally {
      await sink.start();
    }
    await poll(() => sink.to(reader.email).length).toBe(1);
    expect(sink.to(reader.email)[0]!.text).toContain('Отговор по време на прекъсване');
    const [row] = await outboxOf(reader.id);
    expect(row!.status).toBe('sent');
    expect(row!.attempts).toBeGreaterThanOrEqual(2);
  });
});

describe('refusals', () => {
  it('should record a permanent refusal (550, no such mailbox) as failed at once, without retrying', async () => {
    const reader = await subscriber('immediate', 'bg', `bounce.${randomUUID()}@example.test`);
    const mine = await approvedComment(reader);
    await approvedComment(await createUser(t), 'Отговор без получател', mine.id);
    await poll(async () => (await outboxOf(reader.id))[0]?.status).toBe('failed');
    const [row] = await outboxOf(reader.id);
    expect(row!.attempts).toBe(1);
    expect(row!.lastError).toMatch(/^SMTP 550/);
    expect(row!.nextAttemptAt).toBeNull();
    expect((await t.http.get('/api/health').expect(200)).body.checks.mail.failedLastDay).toBeGreaterThanOrEqual(1);
  });
});

describe('who may receive mail', () => {
  it('should send a banned reader the statements of reasons of the ban, and no reply notifications', async () => {
    const reader = await subscriber();
    const mine = await approvedComment(reader);
    await createComment(t, article, reader, { body: 'Чакащ коментар преди блокирането' });
    await t.http
      .post(`/api/admin/users/${reader.id}/ban`)
      .set(authHeader(moderator))
      .send({
        reason: 'Тормоз',
        until: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        rejectPending: true,
        statement: { category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE', categorySpecification: ['KEYWORD_CYBER_HARASSMENT'] },
      })
      .expect(200);
    // Two statements (the account's suspension, the pending comment's rejection), in as few mails as statements were
    // written; every one is in a mail.
    const statements = await t.prisma.statementOfReasons.count({ where: { userId: reader.id } });
    expect(statements).toBe(2);
    await poll(async () => (await outboxOf(reader.id)).every((m) => m.status === 'sent')).toBe(true);
    const mails = sink.to(reader.email);
    expect(mails.length).toBeGreaterThanOrEqual(1);
    expect(mails.every((m) => m.subject === 'Решение на модератор за ваш коментар или профил')).toBe(true);
    const text = mails.map((m) => m.text).join('\n');
    expect(text.match(/^Мярка: /gm)).toHaveLength(2);
    expect(text).toContain('Чакащ коментар преди блокирането');
    expect(text).toContain('Тормоз');
    const before = (await outboxOf(reader.id)).length;
    await approvedComment(await createUser(t), 'Отговор на блокиран', mine.id);
    expect(await outboxOf(reader.id)).toHaveLength(before);
    expect((await outboxOf(reader.id)).every((m) => m.kind === 'statement')).toBe(true);
  });

  it("should mail the statement of reasons when a moderator rejects a reader's comment, whatever the notification settings", async () => {
    const reader = await createUser(t);
    await t.prisma.user.update({ where: { id: reader.id }, data: { emailVerifiedAt: new Date() } });
    const c = await createComment(t, article, reader, { body: 'Нещо обидно' });
    await t.http.patch(`/api/admin/comments/${c.id}`).set(authHeader(moderator)).send({ status: 'rejected', reason: 'Обида' }).expect(200);
    await poll(() => sink.to(reader.email).length).toBe(1);
    expect(sink.to(reader.email)[0]!.text).toContain('Нещо обидно');
  });

  it('should tell a notifier who left an address the outcome of the notice', async () => {
    const author = await createUser(t);
    const target = await approvedComment(author);
    const email = `notifier.${randomUUID()}@example.test`;
    const notice = await t.http
      .post('/api/notices')
      .send({
        commentId: target.id,
        category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
        explanation: 'Обижда.',
        goodFaith: true,
        notifierName: 'Сигнализиращ',
        notifierEmail: email,
      })
      .expect(201);
    await t.http
      .patch(`/api/admin/notices/${notice.body.notice.id}`)
      .set(authHeader(moderator))
      .send({ outcome: 'no_action', explanation: 'Мнение, не обида.' })
      .expect(200);
    await poll(() => sink.to(email).length).toBe(1);
    expect(sink.to(email)[0]!.text).toContain('Мнение, не обида.');
    expect(sink.to(email)[0]!.text).toContain('извънсъдебно решаване на спорове');
    expect(sink.to(email)[0]!.text).toContain(notice.body.notice.id);
  });

  it('should export the preferences and mails, and erase them with the account: nothing more is sent to it', async () => {
    const reader = await subscriber('digest');
    const mine = await approvedComment(reader);
    await approvedComment(await createUser(t), 'Чака дайджест', mine.id);
    const exported = JSON.parse((await t.http.get('/api/me/export').set(authHeader(reader)).expect(200)).text);
    expect(exported.account.notifications).toMatchObject({ replies: 'digest', locale: 'bg' });
    expect(exported.account.emailVerifiedAt).toEqual(expect.any(String));
    expect(exported.mails).toEqual([expect.objectContaining({ kind: 'reply', status: 'held', commentId: expect.any(String) })]);

    await t.http.delete('/api/me').set(authHeader(reader)).send({ password: reader.password }).expect(200);
    expect(await outboxOf(reader.id)).toEqual([]);
    expect(await t.prisma.mailPreference.findUnique({ where: { userId: reader.id } })).toBeNull();
    await t.app.get(MailWorker).runDigest(new Date(Date.now() + 1000));
    await approvedComment(await createUser(t), 'После изтриването', mine.id);
    expect(await outboxOf(reader.id)).toEqual([]);
    expect(sink.to(reader.email)).toEqual([]);
  });
});
