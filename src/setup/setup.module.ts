import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { FirstAdminSetup } from './first-admin-setup.service.js';
import { SetupController } from './setup.controller.js';

/** The first admin from the console (a one-time setup link) and the sign-in options the console's page reads. */
@Module({ imports: [AuthModule, UsersModule], controllers: [SetupController], providers: [FirstAdminSetup], exports: [FirstAdminSetup] })
export class SetupModule {}
