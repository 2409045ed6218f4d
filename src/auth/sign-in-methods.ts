import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import type { Env } from '../config/env.js';
import type { Role } from '../generated/prisma/enums.js';

/**
 * Which ways of signing in this site offers. LOCAL_AUTH: `true` = registration and password login for everyone;
 * `staff` = no registration, password login for moderators and admins only (readers sign in with the publisher);
 * `false` = neither (SSO is the only sign-in). SSO is on when SSO_JWKS_URL or SSO_SECRET is set.
 */
export type SignInMethod = 'register' | 'password' | 'sso';

const SIGN_IN_METHOD_KEY = 'auth:sign-in-method';

export const localAuthDisabled = () =>
  AppError.forbidden('LOCAL_AUTH_DISABLED', 'Password sign-in is turned off on this site; sign in with the publisher');

/** Whether an account with this role may sign in with its password under LOCAL_AUTH (checked after the password). */
export function passwordSignInAllowed(mode: Env['LOCAL_AUTH'], role: Role): boolean {
  return mode === 'true' || (mode === 'staff' && role !== 'reader');
}

/**
 * Refuses a route whose sign-in method is off before its body is read: 403 LOCAL_AUTH_DISABLED for registration
 * (unless LOCAL_AUTH=true) and password login (LOCAL_AUTH=false; with `staff` the login itself checks the role),
 * 404 SSO_NOT_CONFIGURED for the publisher sign-in.
 */
@Injectable()
export class SignInMethodGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const method = this.reflector.get<SignInMethod | undefined>(SIGN_IN_METHOD_KEY, context.getHandler());
    const local = this.config.get('LOCAL_AUTH');
    switch (method) {
      case 'register':
        if (local !== 'true')
          throw AppError.forbidden('LOCAL_AUTH_DISABLED', 'Registration is turned off on this site; sign in with the publisher');
        return true;
      case 'password':
        if (local === 'false') throw localAuthDisabled();
        return true;
      case 'sso':
        if (!this.config.get('SSO_JWKS_URL') && !this.config.get('SSO_SECRET')) {
          throw AppError.notFound('SSO_NOT_CONFIGURED', 'Sign-in with the publisher is not set up on this site');
        }
        return true;
      case undefined:
        return true;
    }
  }
}

/** Marks a handler as one way of signing in, refused (see SignInMethodGuard) when the site has it turned off. */
export const SignInWith = (method: SignInMethod) => applyDecorators(SetMetadata(SIGN_IN_METHOD_KEY, method), UseGuards(SignInMethodGuard));
