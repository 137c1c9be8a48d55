import { Body, Get, Post, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { ROLES, Role } from '../../auth/actor';
import { DomainError } from '../../common/errors/domain-error';
import { CreateUserDto } from '../../users/dto/create-user.dto';
import { UsersService } from '../../users/users.service';
import { formatDateTime } from '../format';
import { FieldErrors, FORM_REJECTED, FormBody, optionalText, sendView, text, validateForm } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';
import { options } from '../view-models';

const LABELS = { name: 'Name', email: 'Email', role: 'Role', password: 'Password', accountId: 'Account id' };
const ROLE_LABELS: Record<Role, string> = { agent: 'Agent', manager: 'Manager', admin: 'Admin', client: 'Client (portal user of one account)' };
const PAGE_SIZE = 200;

type UserValues = { name: string; email: string; role: string; accountId: string };

/** Admins list users and create new ones (staff, or a client login for one account). */
@ConsoleController('users')
@ConsoleRole('admin')
export class ConsoleUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get()
  @Render('console/users')
  page() {
    return this.model({ name: '', email: '', role: 'agent', accountId: '' }, {});
  }

  @Post()
  async create(@Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    // The password is never echoed back into the form.
    const values: UserValues = { name: text(body, 'name'), email: text(body, 'email'), role: text(body, 'role'), accountId: text(body, 'accountId') };
    const password = typeof body.password === 'string' ? body.password : '';
    const { value, errors } = await validateForm(CreateUserDto, {
      name: values.name, email: values.email, role: values.role as Role, password, accountId: optionalText(body, 'accountId'),
    }, LABELS);
    const fail = async (e: FieldErrors, alert?: string) => sendView(res, 'console/users', await this.model(values, e, alert), FORM_REJECTED);
    if (errors) return fail(errors);
    try {
      const created = await this.users.create(value, user.actor.id);
      this.cookies.setFlash(res, { kind: 'success', text: `User ${created.email} created as ${created.role}.` });
      res.redirect(303, '/console/users');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'DUPLICATE_EMAIL') return fail({ email: err.message });
      // UserError INVALID is always about the account id (missing for a client, or given for staff).
      return fail(err.code === 'INVALID' ? { accountId: err.message } : {}, err.code === 'INVALID' ? undefined : err.message);
    }
  }

  private async model(values: UserValues, errors: FieldErrors, alert?: string) {
    const { items, total } = await this.users.list(PAGE_SIZE, 0);
    return {
      title: 'Users',
      users: items.map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role], createdAt: formatDateTime(u.createdAt) })),
      total,
      more: total > items.length,
      values,
      roles: options(ROLES, ROLE_LABELS, values.role),
      errors,
      alert,
    };
  }
}
