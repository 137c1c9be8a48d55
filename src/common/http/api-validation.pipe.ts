import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';

/**
 * The global ValidationPipe (whitelist, unknown fields refused, DTOs
 * transformed), except that it leaves path parameters as the strings they
 * were. Ids are opaque strings: `ParseIdPipe` decides what names a row, and a
 * primitive conversion first would turn "0x1", "1e0" or " 1" into 1 and let
 * another spelling reach an existing record.
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false });
  }

  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}
