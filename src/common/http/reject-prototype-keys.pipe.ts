import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function findForbidden(value: unknown, path: string): string | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findForbidden(value[i], `${path}${i}.`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN.has(key)) return `${path}${key}`;
      const hit = findForbidden((value as Record<string, unknown>)[key], `${path}${key}.`);
      if (hit) return hit;
    }
  }
  return null;
}

/**
 * Unknown body fields are refused (400), but class-transformer silently drops
 * keys named like prototype members, so ValidationPipe never sees them.
 * This pipe runs first and refuses them by name.
 */
@Injectable()
export class RejectPrototypeKeysPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type !== 'body') return value;
    const key = findForbidden(value, '');
    if (key) throw new BadRequestException([`property ${key} should not exist`]);
    return value;
  }
}
