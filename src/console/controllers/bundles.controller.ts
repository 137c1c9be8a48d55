import { Body, Get, Post, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { BundlesService, BundleView } from '../../bundles/bundles.service';
import { CreateBundleDto } from '../../bundles/dto/bundle.dto';
import { DomainError } from '../../common/errors/domain-error';
import { IdParam } from '../../common/http/id-param.pipe';
import { PolicyService } from '../../policy/policy.service';
import { formatMoney, points } from '../format';
import { amount, amountInput, currencyDigits, FieldErrors, FORM_REJECTED, FormBody, integer, sendView, text, validateForm } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';
import { BundleRow, bundleRow } from '../view-models';

const LABELS = {
  code: 'Code', name: 'Name', paidIncidents: 'Paid incidents', bonusIncidents: 'Bonus incidents', priceCents: 'Price',
  currency: 'Currency', availableFrom: 'On sale from', availableUntil: 'On sale until',
};
const LIST = '/console/bundles';
// CreateBundleDto's upper bound for priceCents, said in money rather than cents.
const MAX_PRICE_CENTS = 100_000_000;

/** What the bundle form shows: every field as typed. `price` is in currency units ("375.00"), not cents. */
export interface BundleValues {
  code: string;
  name: string;
  paidIncidents: string;
  bonusIncidents: string;
  price: string;
  currency: string;
  availableFrom: string;
  availableUntil: string;
}

interface BundleForm {
  values: BundleValues;
  errors: FieldErrors;
  alert?: string;
}

interface ListModel {
  title: string;
  bundles: BundleRow[];
  create: BundleForm;
}

interface EditModel extends BundleForm {
  title: string;
  bundle: BundleRow;
}

const valuesOf = (b: BundleView): BundleValues => ({
  code: b.code, name: b.name, paidIncidents: String(b.paidIncidents), bonusIncidents: String(b.bonusIncidents),
  price: amountInput(b.priceCents, b.currency), currency: b.currency, availableFrom: b.availableFrom ?? '', availableUntil: b.availableUntil ?? '',
});

/**
 * Managers maintain the bundle catalog ("buy 5 get 6"): price, points and
 * sale window, and take a bundle off sale or back. BundlesService decides
 * what is valid; this only turns the form into its input and back.
 */
@ConsoleController('bundles')
@ConsoleRole('manager')
export class ConsoleBundlesController {
  constructor(
    private readonly bundles: BundlesService,
    private readonly policy: PolicyService,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get()
  @Render('console/bundles')
  async list(@Staff() user: ConsoleUser): Promise<ListModel> {
    const { currency } = await this.policy.get();
    const blank: BundleValues = { code: '', name: '', paidIncidents: '', bonusIncidents: '0', price: '', currency, availableFrom: '', availableUntil: '' };
    return this.listModel(user, { values: blank, errors: {} });
  }

  @Post()
  async create(@Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values = this.values(body);
    const fail = async (e: FieldErrors, alert?: string) =>
      sendView(res, 'console/bundles', await this.listModel(user, { values, errors: e, alert }), FORM_REJECTED);
    // An empty currency means the policy's, which also decides how the price is read.
    const currency = values.currency || (await this.policy.get()).currency;
    const { input, errors } = await this.validate(body, values, currency);
    if (!input) return fail(errors);
    try {
      const b = await this.bundles.create(input, user.actor);
      this.done(res, `Bundle “${b.name}” created: ${points(b.points)} for ${formatMoney(b.priceCents, b.currency)}.`);
    } catch (err) {
      if (err instanceof DomainError) return fail(...refusal(err));
      throw err;
    }
  }

  @Get(':id/edit')
  @Render('console/bundle-edit')
  async editPage(@IdParam('id', 'bundle') id: number, @Staff() user: ConsoleUser): Promise<EditModel> {
    const b = await this.bundles.get(user.actor, id);
    return this.editModel(b, { values: valuesOf(b), errors: {} });
  }

  @Post(':id')
  async update(@IdParam('id', 'bundle') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const before = await this.bundles.get(user.actor, id);
    const values = this.values(body);
    const fail = (e: FieldErrors, alert?: string) => sendView(res, 'console/bundle-edit', this.editModel(before, { values, errors: e, alert }), FORM_REJECTED);
    const { input, errors } = await this.validate(body, values, values.currency || before.currency);
    if (!input) return fail(errors);
    try {
      // Empty dates clear the window's limits (null); an empty currency keeps the bundle's (left out of the patch).
      const { currency, ...rest } = input;
      const b = await this.bundles.update(id, { ...rest, ...(currency ? { currency } : {}) }, user.actor);
      this.done(res, `Bundle “${b.name}” saved: ${points(b.points)} for ${formatMoney(b.priceCents, b.currency)}${b.onSale ? '' : ' (not on sale today)'}.`);
    } catch (err) {
      if (err instanceof DomainError) return fail(...refusal(err));
      throw err;
    }
  }

  /** The list's Deactivate / Reactivate buttons. A deactivated bundle cannot be bought; purchases already made keep their price. */
  @Post(':id/active')
  async setActive(@IdParam('id', 'bundle') id: number, @Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    await this.bundles.get(user.actor, id);
    const active = text(body, 'active') === 'true';
    const b = await this.bundles.update(id, { active }, user.actor);
    const outcome = !active ? 'deactivated: it is no longer on sale' : b.onSale ? 'reactivated: it is on sale again' : 'reactivated, but today is outside its sale window';
    this.done(res, `Bundle “${b.name}” ${outcome}.`);
  }

  private values(body: FormBody): BundleValues {
    return {
      code: text(body, 'code'), name: text(body, 'name'), paidIncidents: text(body, 'paidIncidents'), bonusIncidents: text(body, 'bonusIncidents'),
      price: text(body, 'price'), currency: text(body, 'currency').toUpperCase(), availableFrom: text(body, 'availableFrom'), availableUntil: text(body, 'availableUntil'),
    };
  }

  /**
   * Checks the form with the API's CreateBundleDto (every field of this form
   * is required but the dates and currency). The price is typed in currency
   * units, so its messages are written here rather than in cents.
   */
  private async validate(body: FormBody, values: BundleValues, currency: string): Promise<{ input: CreateBundleDto | null; errors: FieldErrors }> {
    const priceCents = amount(body, 'price', currency);
    const paidIncidents = integer(body, 'paidIncidents');
    const bonusIncidents = integer(body, 'bonusIncidents');
    const { value, errors } = await validateForm(CreateBundleDto, {
      code: values.code, name: values.name, paidIncidents, bonusIncidents,
      // A malformed price is reported below; 0 keeps the DTO from reporting it a second time.
      priceCents: Number.isNaN(priceCents) ? 0 : priceCents,
      currency: values.currency || undefined, availableFrom: values.availableFrom || null, availableUntil: values.availableUntil || null,
    }, LABELS);
    const all: FieldErrors = { ...errors };
    // Not a number at all: say so, rather than whichever range rule the validator tried first.
    if (Number.isNaN(paidIncidents)) all.paidIncidents = 'Paid incidents must be a whole number';
    if (Number.isNaN(bonusIncidents)) all.bonusIncidents = 'Bonus incidents must be a whole number';
    if (all.priceCents) {
      all.price = priceCents !== undefined && priceCents > MAX_PRICE_CENTS ? `Price must be at most ${formatMoney(MAX_PRICE_CENTS, currency)}` : all.priceCents;
      delete all.priceCents;
    }
    if (Number.isNaN(priceCents)) {
      const example = currencyDigits(currency) === 0 ? '375' : (375).toFixed(currencyDigits(currency));
      all.price = `Price must be an amount in ${currency} such as ${example}`;
    }
    return Object.keys(all).length > 0 ? { input: null, errors: all } : { input: value, errors: {} };
  }

  private done(res: Response, message: string): void {
    this.cookies.setFlash(res, { kind: 'success', text: message });
    res.redirect(303, LIST);
  }

  private async listModel(user: ConsoleUser, create: BundleForm): Promise<ListModel> {
    const { items } = await this.bundles.list(user.actor);
    return { title: 'Bundles', bundles: items.map((b) => bundleRow(b)), create };
  }

  private editModel(b: BundleView, form: BundleForm): EditModel {
    return { title: `Edit bundle: ${b.name}`, bundle: bundleRow(b), ...form };
  }
}

/** A refusal from BundlesService, next to the field it is about when there is one. */
function refusal(err: DomainError): [FieldErrors, string?] {
  if (err.code === 'DUPLICATE_CODE') return [{ code: 'Another bundle already has this code' }];
  // INVALID is the sale window: its last day before its first.
  if (err.code === 'INVALID') return [{ availableUntil: 'On sale until must be on or after On sale from' }];
  return [{}, err.message];
}
