import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../auth/roles.decorator';
import { ConsoleAuthGuard } from './console-auth.guard';
import { CsrfGuard } from './csrf.guard';
import { LoginRequiredFilter } from './login-required.filter';

/**
 * A console page controller under /console: outside the bearer-token API guard
 * (@Public) and the OpenAPI document, behind the cookie session and CSRF checks
 * instead. Add @ConsoleRole('manager') for pages agents may not use.
 */
export const ConsoleController = (path = '') =>
  applyDecorators(
    Controller(path ? `console/${path}` : 'console'),
    Public(),
    ApiExcludeController(),
    UseGuards(ConsoleAuthGuard, CsrfGuard),
    UseFilters(LoginRequiredFilter),
  );

/** The login page: no session needed, but its form is CSRF-protected like every other. */
export const ConsolePublicController = () =>
  applyDecorators(Controller('console'), Public(), ApiExcludeController(), UseGuards(CsrfGuard));
