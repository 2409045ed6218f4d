import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import { PasswordService } from '../auth/password.service.js';
import { deleteAccountSessions } from '../auth/sessions.js';
import { forgetIdentities } from '../auth/sso/sso-identities.js';
import { SsoTokenVerifier } from '../auth/sso/sso-token.verifier.js';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { eraseRevisions } from '../comment-core/comment-revisions.js';
import { eraseClientData } from '../comments/comment-checks.service.js';
import { applyCommentChanges, type CommentChange, type CommentSnapshot } from '../comment-core/comment-state.js';
import { eraseReactions } from '../comment-core/reactions.js';
import { authorDeletionEffects } from '../dsa/decision-effects.js';
import { scrubNotifierContacts } from '../dsa/notice-contacts.js';
import { redactErasedNames } from './erasure-redaction.js';
import { AppConfig } from '../config/app-config.js';
import { appendEvent, scrubAccountFromEvents, userErasedEvent } from '../events/domain-events.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { anonymizeAccount } from '../users/account-changes.js';
import { isActive, lockAccounts, requireActor, userNotFound } from '../users/account-locks.js';
import { scrubWebhookDeliveries } from '../webhooks/webhook-privacy.js';
import type { EraseAccountDto, ErasureDto } from './dto/erasure.dto.js';
import { forgetMail } from '../mail/mail-privacy.js';

// Erasing a prolific account changes many comments and waits on their row locks.
const ERASURE_TX = { timeout: 120_000 };
/** Comments changed per statement. */
const CHUNK = 2_000;

const reauthFailed = (message: string, reason?: string) =>
  new AppError('REAUTHENTICATION_FAILED', message, [{ field: reason ? 'ssoToken' : 'password', message, ...(reason && { reason }) }]);

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

interface Actor {
  id: string;
  /** The account holder erasing their own account, or an admin acting on a request the newsroom received. */
  self: boolean;
  reason: string | null;
}

/**
 * GDPR Art. 17: erasing an account. One transaction, on the account's row locked with every admin's (the last
 * active admin cannot erase themselves: 409 LAST_ADMIN), then:
 *   - the account row stays as a tombstone without personal data: email, display name and password hash are
 *     removed, the username becomes a placeholder (`deleted:<random>`, a form no registration can take) so the name
 *     is free again, role and ban are cleared and `deleted_at` is set. Its id remains only as a pseudonym: the
 *     comments, reports and audit rows that point at it keep their shape, and nothing links it to a person any more;
 *   - its sessions (refresh tokens) and publisher identities (SSO issuer + sub) are deleted: password login, refresh
 *     and SSO sign-in into this account are impossible, and every access token is refused at once (the JWT strategy
 *     reloads the account on each request and refuses a deleted one);
 *   - comments: ERASURE_MODE=anonymize (default) keeps the words of comments that were published or decided
 *     (approved, rejected, spam) and shows them without an author (comment-core/comment-json.ts); comments still
 *     pending (never published) and those the holder had deleted lose their words. ERASURE_MODE=delete erases the
 *     words of every comment. An erased comment is soft-deleted with an empty body through the comment core
 *     (counters and one audit row per comment in the same statement), so threads keep their shape as deleted
 *     placeholders and every count stays exact; its earlier versions are deleted too (eraseRevisions);
 *   - the domain event log loses the account's name and the erased words too (scrubAccountFromEvents), and so do
 *     the copies webhook deliveries keep (scrubWebhookDeliveries); the log gets a `user.erased` event (its id only),
 *     so live-update and webhook consumers can forget the name as well;
 *   - an audit row `erase_account` records who erased it (the holder or an admin), the mode and the counts.
 * Audit rows stay (the log is append-only) and keep only the pseudonymous id; the account's username and display
 * name are redacted from their free text (a ban reason, a moderator's note) and from the statements of reasons about
 * the account or its comments (erasure-redaction.ts); the rest of that text is the newsroom's own record.
 */
@Injectable()
export class AccountErasureService {
  private readonly logger = new Logger(AccountErasureService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordService,
    private readonly sso: SsoTokenVerifier,
    private readonly config: AppConfig,
  ) {}

  /** DELETE /api/me: the holder confirms with their password or a fresh publisher token. */
  async eraseOwn(user: AuthUser, dto: EraseAccountDto): Promise<ErasureDto> {
    await this.confirm(user.id, dto);
    return this.erase(user.id, { id: user.id, self: true, reason: null });
  }

  /** DELETE /api/admin/users/:userId: an admin carries out a request the newsroom received and verified. */
  eraseByAdmin(actor: AuthUser, targetId: string, reason: string): Promise<ErasureDto> {
    return this.erase(targetId, { id: actor.id, self: actor.id === targetId, reason });
  }

  /**
   * Exactly one confirmation: the password (accounts that have one), or a publisher token whose (`iss`, `sub`) is
   * linked to this account, verified like a sign-in (signature, issuer, audience, expiry, issued at most
   * SSO_MAX_TOKEN_AGE_SECONDS ago). Every failure is one 403 REAUTHENTICATION_FAILED (not a 401: the access token
   * is fine, and a client must not take this for a signed-out session).
   */
  private async confirm(userId: string, dto: EraseAccountDto): Promise<void> {
    if ((dto.password === undefined) === (dto.ssoToken === undefined)) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'body', message: 'send either password or ssoToken (exactly one) to confirm the erasure' },
      ]);
    }
    const account = await this.prisma.user.findUnique({
      where: { id: userId },
      select: { passwordHash: true, identities: { select: { issuer: true, subject: true } } },
    });
    if (!account) throw AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');
    if (dto.password !== undefined) {
      // The same work whether or not the account has a password (PasswordService verifies a dummy hash).
      if (!(await this.passwords.verify(account.passwordHash, dto.password)))
        throw reauthFailed('The password is not this account’s password');
      return;
    }
    let verified: { issuer: string; subject: unknown };
    try {
      const { issuer, claims } = await this.sso.verify(dto.ssoToken!);
      verified = { issuer, subject: claims.sub };
    } catch (err) {
      // The token's own faults (401 SSO_* codes) and SSO not set up here; the publisher's keys being unreachable
      // stays a 503 with Retry-After.
      if (err instanceof AppError && (err.status === 401 || err.code === 'SSO_NOT_CONFIGURED')) throw reauthFailed(err.message, err.code);
      throw err;
    }
    if (!account.identities.some((i) => i.issuer === verified.issuer && i.subject === verified.subject)) {
      throw reauthFailed('The publisher token is not for this account', 'SSO_IDENTITY_NOT_LINKED');
    }
  }

  private async erase(userId: string, actor: Actor): Promise<ErasureDto> {
    const mode = this.config.get('ERASURE_MODE');
    const result = await this.prisma.transaction(async (tx) => {
      // The account and every admin, locked in id order (account-locks.ts), like a role change: of an admin erasing
      // themselves while the other admin is demoted, exactly one succeeds.
      const locked = await lockAccounts(tx, [...new Set([userId, actor.id])], { admins: true });
      const target = locked.get(userId);
      if (!target || target.deletedAt) {
        if (actor.self) throw AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');
        throw userNotFound();
      }
      if (!actor.self) requireActor(locked, actor.id, ['admin']);
      if (
        target.role === 'admin' &&
        isActive(target) &&
        ![...locked.values()].some((u) => u.id !== userId && u.role === 'admin' && isActive(u))
      ) {
        throw AppError.conflict('LAST_ADMIN', 'The last admin cannot be erased; make another user admin first');
      }
      const now = new Date();
      const placeholder = `deleted:${randomBytes(8).toString('hex')}`;
      // Contact data the account left in DSA notices: filed signed in, or anonymously with the same address.
      const { email, username, displayName } = await tx.user.findUniqueOrThrow({
        where: { id: userId },
        select: { email: true, username: true, displayName: true },
      });
      await scrubNotifierContacts(tx, userId, email);
      await anonymizeAccount(tx, userId, placeholder, now);
      // Every stored session goes; the receipt counts the ones that were still usable.
      const sessionsEnded = await deleteAccountSessions(tx, userId);
      await forgetIdentities(tx, userId);
      // Staff notes about the account are personal data about it too (src/staff-notes).
      await tx.staffNote.deleteMany({ where: { userId } });
      await forgetMail(tx, userId, email);
      await eraseReactions(tx, userId);
      // A spam service's copy of the client's address and user agent (docs/triage.md) goes at once too.
      await eraseClientData(tx, userId);
      const erased = await this.eraseComments(tx, userId, actor, mode, now);
      await scrubAccountFromEvents(tx, userId, placeholder);
      await scrubWebhookDeliveries(tx, userId, placeholder);
      const [{ anonymized }] = await tx.$queryRaw<{ anonymized: number }[]>`
        SELECT count(*)::int AS anonymized FROM comments WHERE author_id = ${userId}::uuid AND body <> ''`;
      const counts = { anonymized, erased };
      await appendAudit(tx, {
        action: 'erase_account',
        actorId: actor.id,
        targetUserId: userId,
        reason: actor.reason,
        details: { requestedBy: actor.self ? 'account holder' : 'admin', mode, comments: counts },
      });
      // After the erase_account row: an admin's reason may name the account too.
      await redactErasedNames(tx, userId, [username, displayName]);
      await appendEvent(tx, userErasedEvent(userId));
      return { erasedAt: now.toISOString(), mode, comments: counts, sessionsEnded };
    }, ERASURE_TX);
    this.logger.log({ msg: 'account erased', userId, by: actor.self ? 'self' : actor.id, mode, ...result.comments });
    return result;
  }

  /**
   * The comments whose words go: every one (delete mode), or the pending ones and those already deleted
   * (anonymize mode). Locked in id order, then changed through the transition table, CHUNK comments a statement: the
   * ones still shown are soft-deleted with an empty body (counters move, one audit row each), the ones already deleted
   * only lose their body. Returns how many were erased.
   */
  private async eraseComments(
    tx: Prisma.TransactionClient,
    userId: string,
    actor: Actor,
    mode: 'anonymize' | 'delete',
    now: Date,
  ): Promise<number> {
    const rows = await tx.$queryRawUnsafe<CommentSnapshot[]>(
      `SELECT id, article_id AS "articleId", author_id AS "authorId", status::text AS status, deleted_at AS "deletedAt", version
       FROM comments
       WHERE author_id = $1::uuid AND body <> ''${mode === 'anonymize' ? ` AND (status = 'pending' OR deleted_at IS NOT NULL)` : ''}
       ORDER BY id FOR UPDATE`,
      userId,
    );
    if (!rows.length) return 0;
    const audit = {
      action: 'erase',
      actorId: actor.id,
      reason: actor.self ? 'account erased by its holder' : 'account erased by an admin',
    };
    const shown = rows.filter((r) => r.deletedAt === null);
    const deleted = rows.filter((r) => r.deletedAt !== null);
    const softDelete: CommentChange = { deletedAt: now, deletedById: actor.id, body: '' };
    // In chunks: each statement stays well inside DB_STATEMENT_TIMEOUT_MS however many comments the account wrote
    // (20,000 took 2.2 s as one statement on the development machine).
    // A notice about a comment that loses its words has nothing left to act on (DSA: closed as content unavailable).
    for (const chunk of chunks(shown)) await applyCommentChanges(tx, chunk, softDelete, audit, authorDeletionEffects);
    for (const chunk of chunks(deleted)) await applyCommentChanges(tx, chunk, { body: '' }, audit);
    for (const chunk of chunks(rows))
      await eraseRevisions(
        tx,
        chunk.map((r) => r.id),
      );
    return rows.length;
  }
}
