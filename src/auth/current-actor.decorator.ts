import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Actor } from './actor';

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest().actor;
});
