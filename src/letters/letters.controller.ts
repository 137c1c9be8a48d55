import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Allow } from '../auth/roles.decorator';
import { parseId } from '../common/database/ids';
import { IdParam } from '../common/http/id-param.pipe';
import { page, PageQueryDto } from '../common/http/page-query.dto';
import { SegmentSummaryView } from '../segments/dto/segment.view';
import { CreateLetterDto, UpdateLetterDto } from './dto/letter.dto';
import { LetterPreviewQueryDto, LetterRecipientQueryDto } from './dto/letter-query.dto';
import { LetterList, LetterPreview, LetterRecipientList, LetterView } from './dto/letter.view';
import { LetterError } from './letters.errors';
import { LettersService } from './letters.service';
import { NoBody } from '../common/http/no-body.dto';

@ApiTags('letters')
@Controller('api/letters')
export class LettersController {
  constructor(private readonly letters: LettersService) {}

  @ApiCreatedResponse({ type: LetterView })
  @Post()
  @Allow('manager', undefined, 'Draft an announcement letter (merge fields are checked: an unknown one is 400)')
  create(@Body() dto: CreateLetterDto, @CurrentActor() actor: Actor) {
    return this.letters.create(dto, actor);
  }

  @ApiOkResponse({ type: LetterList })
  @Get()
  @Allow('manager', undefined, 'Letters, newest first, with their progress')
  list(@Query() q: PageQueryDto) {
    const { limit, offset } = page(q);
    return this.letters.list(limit, offset);
  }

  @ApiOkResponse({ type: LetterView })
  @Get(':id')
  @Allow('manager', undefined, 'One letter with its live progress (recipients: emails total/sent/failed/pending)')
  get(@IdParam('id', 'letter') id: number) {
    return this.letters.get(id);
  }

  @ApiOkResponse({ type: LetterView })
  @Patch(':id')
  @Allow('manager', undefined, 'Change a draft (409 once approved)')
  update(@IdParam('id', 'letter') id: number, @Body() dto: UpdateLetterDto, @CurrentActor() actor: Actor) {
    return this.letters.update(id, dto, actor);
  }

  @ApiOkResponse({ type: LetterPreview })
  @Get(':id/preview')
  @Allow('manager', undefined, "The letter as an account's first contact will read it")
  preview(@IdParam('id', 'letter') id: number, @Query() q: LetterPreviewQueryDto) {
    if (q.accountId === undefined) return this.letters.preview(id);
    const accountId = parseId(q.accountId);
    if (accountId === null) throw new LetterError('NOT_FOUND', `account ${q.accountId} not found`);
    return this.letters.preview(id, accountId);
  }

  @ApiOkResponse({ type: SegmentSummaryView })
  @Get(':id/audience')
  @Allow('manager', undefined, 'Who the letter would go to now: accounts, emails, the points it grants in total, the first accounts')
  audience(@IdParam('id', 'letter') id: number) {
    return this.letters.audienceSummary(id);
  }

  @ApiOkResponse({ type: LetterRecipientList })
  @Get(':id/recipients')
  @Allow('manager', undefined, 'The accounts a letter is being sent to, with their status')
  recipients(@IdParam('id', 'letter') id: number, @Query() q: LetterRecipientQueryDto) {
    const { limit, offset } = page(q);
    return this.letters.recipients(id, q.status, limit, offset);
  }

  @ApiOkResponse({ type: LetterView })
  @Post(':id/approve')
  @HttpCode(200)
  @Allow('manager', undefined, 'Approve a draft (409 otherwise)')
  approve(@IdParam('id', 'letter') id: number, @Body() _body: NoBody, @CurrentActor() actor: Actor) {
    return this.letters.approve(id, actor);
  }

  @ApiAcceptedResponse({ type: LetterView })
  @Post(':id/send')
  @HttpCode(202)
  @Allow('manager', undefined, 'Start sending an approved letter in the background (409 otherwise); each account is done exactly once')
  send(@IdParam('id', 'letter') id: number, @Body() _body: NoBody, @CurrentActor() actor: Actor) {
    return this.letters.send(id, actor);
  }
}
