import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { IncidentTypeEntity } from './incident-type.entity';
import { IncidentTypesController } from './incident-types.controller';
import { IncidentTypesRepository } from './incident-types.repository';
import { IncidentTypesService } from './incident-types.service';

@Module({
  imports: [TypeOrmModule.forFeature([IncidentTypeEntity]), AuditModule],
  controllers: [IncidentTypesController],
  providers: [IncidentTypesRepository, IncidentTypesService],
  exports: [IncidentTypesService],
})
export class IncidentTypesModule {}
