import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { commentNotFound } from '../comment-core/comment-policy.js';
import { react, type ReactionOutcome, unreact } from '../comment-core/reactions.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ReactionsDto } from './dto/reaction.dto.js';

/**
 * A reader's one reaction per comment (PUT/DELETE /api/comments/:commentId/reactions/mine): on approved comments of
 * others, counted exactly in the statement that records it (comment-core/reactions.ts). Banned accounts never get
 * here (the default guard), and the route is rate-limited.
 */
@Injectable()
export class CommentReactionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** Sets the reader's reaction; the same kind again changes nothing (idempotent). */
  async set(user: AuthUser, commentId: string, kind: string): Promise<ReactionsDto> {
    const kinds = this.config.get('REACTION_KINDS');
    if (!kinds.includes(kind)) {
      throw AppError.badRequest('INVALID_REACTION', `Reactions here are: ${kinds.join(', ')}`, [
        { field: 'kind', message: `kind must be one of: ${kinds.join(', ')}` },
      ]);
    }
    return view(commentId, await react(this.prisma.pool, commentId, user.id, kind));
  }

  /** Takes the reader's reaction back; nothing to take back is fine too. */
  async remove(user: AuthUser, commentId: string): Promise<ReactionsDto> {
    return view(commentId, await unreact(this.prisma.pool, commentId, user.id));
  }
}

function view(commentId: string, outcome: ReactionOutcome): ReactionsDto {
  switch (outcome.kind) {
    case 'not-found':
      throw commentNotFound();
    case 'own':
      throw AppError.forbidden('CANNOT_REACT_OWN_COMMENT', 'You cannot react to your own comment');
    case 'done':
      return { commentId, reactions: outcome.reactions, myReaction: outcome.mine };
  }
}
