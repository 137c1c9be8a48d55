import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { PolicyModule } from '../policy/policy.module';
import { BundleEntity } from './bundle.entity';
import { BundlesController } from './bundles.controller';
import { BundlesRepository } from './bundles.repository';
import { BundlesService } from './bundles.service';

@Module({
  imports: [TypeOrmModule.forFeature([BundleEntity]), AuditModule, PolicyModule],
  controllers: [BundlesController],
  providers: [BundlesRepository, BundlesService],
  exports: [BundlesService],
})
export class BundlesModule {}
