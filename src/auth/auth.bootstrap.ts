import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when set (idempotent; implemented with issue #3). */
@Injectable()
export class AuthBootstrap {
  private readonly logger = new Logger(AuthBootstrap.name);

  constructor(private readonly config: AppConfig) {}

  async ensureAdmin(): Promise<void> {
    if (this.config.get('ADMIN_EMAIL')) this.logger.warn('ADMIN_EMAIL is set but admin bootstrap is not implemented yet');
  }
}
