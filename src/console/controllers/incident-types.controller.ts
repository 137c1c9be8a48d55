import { Body, Get, Post, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { NotFoundError } from '../../common/errors/not-found.error';
import { IdParam } from '../../common/http/id-param.pipe';
import { CreateIncidentTypeDto, UpdateIncidentTypeDto } from '../../incident-types/dto/incident-type.dto';
import { IncidentTypesService, IncidentTypeView } from '../../incident-types/incident-types.service';
import { points } from '../format';
import { FieldErrors, FORM_REJECTED, FormBody, integer, sendView, text, validateForm } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';

const LABELS = { code: 'Code', name: 'Name', points: 'Points' };
const LIST = '/console/incident-types';

type TypeValues = { code: string; name: string; points: string; active?: boolean };

interface ListModel {
  title: string;
  types: (IncidentTypeView & { pointsText: string })[];
  create: { values: TypeValues; errors: FieldErrors; alert?: string };
}

/** Managers maintain the incident types a call can be classified with, and what each costs. */
@ConsoleController('incident-types')
@ConsoleRole('manager')
export class ConsoleIncidentTypesController {
  constructor(
    private readonly types: IncidentTypesService,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get()
  @Render('console/incident-types')
  list(): Promise<ListModel> {
    return this.listModel({ values: { code: '', name: '', points: '' }, errors: {} });
  }

  @Post()
  async create(@Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = { code: text(body, 'code'), name: text(body, 'name'), points: text(body, 'points') };
    const { value, errors } = await validateForm(CreateIncidentTypeDto, { ...values, points: integer(body, 'points') }, LABELS);
    const fail = async (e: FieldErrors, alert?: string) =>
      sendView(res, 'console/incident-types', await this.listModel({ values, errors: e, alert }), FORM_REJECTED);
    if (errors) return fail(errors);
    try {
      const t = await this.types.create(value, user.actor.id);
      this.done(res, LIST, `Incident type “${t.name}” created (${points(t.points)}).`);
    } catch (err) {
      if (err instanceof DomainError) return fail(err.code === 'DUPLICATE_CODE' ? { code: err.message } : {}, err.code === 'DUPLICATE_CODE' ? undefined : err.message);
      throw err;
    }
  }

  @Get(':id/edit')
  @Render('console/incident-type-edit')
  async editPage(@IdParam('id', 'incident type') id: number) {
    const t = await this.mustFind(id);
    return this.editModel(t, { code: t.code, name: t.name, points: String(t.points), active: t.active }, {});
  }

  @Post(':id')
  async update(@IdParam('id', 'incident type') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const t = await this.mustFind(id);
    // An unchecked checkbox sends nothing, so "active" absent means inactive.
    const values = { code: text(body, 'code'), name: text(body, 'name'), points: text(body, 'points'), active: text(body, 'active') === 'true' };
    const { value, errors } = await validateForm(UpdateIncidentTypeDto, { ...values, points: integer(body, 'points') }, LABELS);
    const fail = async (e: FieldErrors, alert?: string) =>
      sendView(res, 'console/incident-type-edit', this.editModel(t, values, e, alert), FORM_REJECTED);
    // Every field of this form is required, although the API's PATCH takes any subset.
    const missing = Object.fromEntries((['code', 'name', 'points'] as const).filter((f) => values[f] === '').map((f) => [f, `${LABELS[f]} is required`]));
    if (errors || Object.keys(missing).length > 0) return fail({ ...errors, ...missing });
    try {
      const saved = await this.types.update(id, value, user.actor.id);
      this.done(res, LIST, `Incident type “${saved.name}” saved${saved.active ? '' : ' (inactive)'}.`);
    } catch (err) {
      if (err instanceof DomainError) return fail(err.code === 'DUPLICATE_CODE' ? { code: err.message } : {}, err.code === 'DUPLICATE_CODE' ? undefined : err.message);
      throw err;
    }
  }

  /** The list's Activate / Deactivate buttons: a retired type stays on old tickets but cannot be chosen for new ones. */
  @Post(':id/active')
  async setActive(@IdParam('id', 'incident type') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    await this.mustFind(id);
    const active = text(body, 'active') === 'true';
    const t = await this.types.update(id, { active }, user.actor.id);
    this.done(res, LIST, `Incident type “${t.name}” ${active ? 'activated' : 'deactivated'}.`);
  }

  private done(res: Response, to: string, message: string): void {
    this.cookies.setFlash(res, { kind: 'success', text: message });
    res.redirect(303, to);
  }

  private async mustFind(id: number): Promise<IncidentTypeView> {
    const t = await this.types.find(id);
    if (!t) throw new NotFoundError(`incident type ${id} not found`);
    return t;
  }

  private async listModel(create: ListModel['create']): Promise<ListModel> {
    const types = await this.types.list();
    return { title: 'Incident types', types: types.map((t) => ({ ...t, pointsText: points(t.points) })), create };
  }

  private editModel(t: IncidentTypeView, values: TypeValues, errors: FieldErrors, alert?: string) {
    return { title: `Edit incident type: ${t.name}`, type: t, values, errors, alert };
  }
}
