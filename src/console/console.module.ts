import { Module } from '@nestjs/common';

/** Agent console (server-rendered pages). */
@Module({})
export class ConsoleModule {}
