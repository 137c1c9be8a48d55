import { Param, PipeTransform } from '@nestjs/common';
import { parseId } from '../database/ids';
import { NotFoundError } from '../errors/not-found.error';

/** Turns an opaque id string into a row id; an id that cannot name a row is 404, whatever its shape. */
export class ParseIdPipe implements PipeTransform<string, number> {
  constructor(private readonly what: string) {}
  // Receives the path segment as sent: ApiValidationPipe leaves path parameters alone.
  transform(value: string): number {
    const id = parseId(value);
    if (id === null) throw new NotFoundError(`${this.what} ${value} not found`);
    return id;
  }
}

/** A route id parameter as a row id. */
export const IdParam = (name = 'id', what = 'resource') => Param(name, new ParseIdPipe(what));
