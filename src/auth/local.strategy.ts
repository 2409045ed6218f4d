import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AuthService } from './auth.service.js';

/** `POST /api/auth/login` with `{ login, password }`; `login` is an email or a username. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'login', passwordField: 'password' });
  }

  validate(login: string, password: string): Promise<AuthUser> {
    return this.auth.validateCredentials(login, password);
  }
}
