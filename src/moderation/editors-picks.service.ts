import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { commentNotFound } from '../comment-core/comment-policy.js';
import { setFeatured } from '../comment-core/featured.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CommentView } from '../comments/comments.service.js';

/** Editors' picks (PUT/DELETE /api/admin/comments/:commentId/featured): the mark, and its audit row, in one transaction. */
@Injectable()
export class EditorsPicksService {
  private readonly logger = new Logger(EditorsPicksService.name);

  constructor(private readonly prisma: PrismaService) {}

  async set(actor: AuthUser, commentId: string, featured: boolean): Promise<CommentView> {
    const outcome = await this.prisma.transaction((tx) => setFeatured(tx, commentId, featured, actor.id));
    switch (outcome.kind) {
      case 'not-found':
        throw commentNotFound();
      case 'not-published':
        throw AppError.conflict('COMMENT_NOT_PUBLISHED', 'Only an approved, not deleted comment can be featured');
      case 'done':
        this.logger.log({ msg: featured ? 'comment featured' : 'comment unfeatured', commentId, by: actor.id });
        return JSON.parse(outcome.view) as CommentView;
    }
  }
}
