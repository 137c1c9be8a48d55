import { applyDecorators, CanActivate, Controller, Type, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../auth/roles.decorator';
import { LoginRequiredFilter } from './login-required';
import { SessionArea } from './session-cookies';

/**
 * A page controller of an area (/console, /portal): outside the bearer-token
 * API guard (@Public) and the OpenAPI document, behind the area's cookie
 * session and CSRF guards instead.
 */
export const PageController = (area: SessionArea, path: string, guards: Type<CanActivate>[]) =>
  applyDecorators(
    Controller(path ? `${area.name}/${path}` : area.name),
    Public(),
    ApiExcludeController(),
    UseGuards(...guards),
    UseFilters(LoginRequiredFilter),
  );
