import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/roles.decorator';
import { AudienceQueryDto } from './dto/audience.dto';
import { SegmentSummaryView } from './dto/segment.view';
import { SegmentsService } from './segments.service';

@ApiTags('segments')
@Controller('api/segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @ApiOkResponse({ type: SegmentSummaryView })
  @Get('preview')
  @Allow('manager', undefined, 'Who a segment holds now (count, emails, first accounts) and the points a grant of `points` each would total')
  preview(@Query() q: AudienceQueryDto) {
    const { points, ...audience } = q;
    return this.segments.summarize(audience, points ?? 0);
  }
}
