import { Param, PipeTransform } from '@nestjs/common';
import { parseId } from '../database/ids';
import { NotFoundError } from '../errors/not-found.error';

/** Turns an opaque id string into a row id; an id that cannot name a row is 404, whatever its shape. */
export class ParseIdPipe implements PipeTransform<string | number, number> {
  constructor(private readonly what: string) {}
  // The global ValidationPipe (transform) may already have turned the string into a number.
  transform(value: string | number): number {
    const id = parseId(String(value));
    if (id === null) throw new NotFoundError(`${this.what} ${value} not found`);
    return id;
  }
}

/** A route id parameter as a row id. */
export const IdParam = (name = 'id', what = 'resource') => Param(name, new ParseIdPipe(what));
