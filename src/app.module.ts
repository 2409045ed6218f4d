import { Module } from '@nestjs/common';
import { ArticlesModule } from './articles/articles.module.js';
import { ClientConfigModule } from './client-config/client-config.module.js';
import { RateLimitModule } from './common/rate-limit/rate-limit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CommentsModule } from './comments/comments.module.js';
import { ConfigModule } from './config/config.module.js';
import { DsaModule } from './dsa/dsa.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { LiveModule } from './live/live.module.js';
import { MailModule } from './mail/mail.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { PrismaModule } from './prisma/prisma.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { ThreadsModule } from './threads/threads.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WebModule } from './web/web.module.js';
import { AdminListsModule } from './admin-lists/admin-lists.module.js';
import { DecisionReasonsModule } from './decision-reasons/decision-reasons.module.js';
import { ImportsModule } from './import/imports.module.js';
import { SetupModule } from './setup/setup.module.js';
import { StaffEventsModule } from './staff-events/staff-events.module.js';
import { StaffNotesModule } from './staff-notes/staff-notes.module.js';
import { UserHistoryModule } from './user-history/user-history.module.js';

@Module({
  imports: [
    ConfigModule,
    PrismaModule,
    RateLimitModule,
    AuthModule,
    UsersModule,
    ArticlesModule,
    CommentsModule,
    ModerationModule,
    DsaModule,
    PrivacyModule,
    HealthModule,
    EventsModule,
    WebhooksModule,
    LiveModule,
    ThreadsModule,
    ClientConfigModule,
    WebModule,
    // The moderation console's API additions (issue 20).
    SetupModule,
    StaffEventsModule,
    StaffNotesModule,
    UserHistoryModule,
    AdminListsModule,
    DecisionReasonsModule,
    ImportsModule,
    // E-mail notifications (issue 22).
    MailModule,
  ],
})
export class AppModule {}
