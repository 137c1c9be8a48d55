import { Body, Get, Post, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../../common/errors/domain-error';
import { UpdatePolicyDto } from '../../policy/dto/update-policy.dto';
import { PolicyService } from '../../policy/policy.service';
import { Channel, CHANNELS, Policy } from '../../policy/policy.types';
import { CHANNEL_LABELS } from '../format';
import { FieldErrors, FORM_REJECTED, FormBody, integer, list, sendView, text, validateForm } from '../forms';
import { ConsoleRole } from '../session/console-auth.guard';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleCookies } from '../session/console-cookies';
import { ConsoleUser, Staff } from '../session/console-user';
import { options } from '../view-models';

const LABELS = {
  chargeableChannels: 'Chargeable channels', defaultIncidentPoints: 'Points per incident without a type',
  providerFaultBonusPoints: 'Goodwill points for our faults', lowBalanceThreshold: 'Low balance at or below',
  perIncidentFeeCents: 'Per-incident fee (cents)', currency: 'Currency', onShortfall: 'When the balance is short', enforceFrom: 'Charging starts on',
};

type PolicyValues = Omit<Record<keyof Policy, string>, 'chargeableChannels'> & { chargeableChannels: string[] };

/** Admins edit the charging policy: every field of PATCH /api/policy on one form. */
@ConsoleController('policy')
@ConsoleRole('admin')
export class ConsolePolicyController {
  constructor(
    private readonly policy: PolicyService,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get()
  @Render('console/policy')
  async page() {
    const p = await this.policy.get();
    return this.model({
      chargeableChannels: p.chargeableChannels, defaultIncidentPoints: String(p.defaultIncidentPoints),
      providerFaultBonusPoints: String(p.providerFaultBonusPoints), lowBalanceThreshold: String(p.lowBalanceThreshold),
      perIncidentFeeCents: String(p.perIncidentFeeCents), currency: p.currency, onShortfall: p.onShortfall, enforceFrom: p.enforceFrom ?? '',
    }, {});
  }

  @Post()
  async save(@Body() body: FormBody, @Staff() user: ConsoleUser, @Res() res: Response): Promise<void> {
    const values: PolicyValues = {
      chargeableChannels: list(body, 'chargeableChannels'), defaultIncidentPoints: text(body, 'defaultIncidentPoints'),
      providerFaultBonusPoints: text(body, 'providerFaultBonusPoints'), lowBalanceThreshold: text(body, 'lowBalanceThreshold'),
      perIncidentFeeCents: text(body, 'perIncidentFeeCents'), currency: text(body, 'currency').toUpperCase(),
      onShortfall: text(body, 'onShortfall'), enforceFrom: text(body, 'enforceFrom'),
    };
    const input = {
      chargeableChannels: values.chargeableChannels as Channel[],
      defaultIncidentPoints: integer(body, 'defaultIncidentPoints'), providerFaultBonusPoints: integer(body, 'providerFaultBonusPoints'),
      lowBalanceThreshold: integer(body, 'lowBalanceThreshold'), perIncidentFeeCents: integer(body, 'perIncidentFeeCents'),
      currency: values.currency, onShortfall: values.onShortfall as Policy['onShortfall'],
      // An empty date means "no enforcement date": charging is live.
      enforceFrom: values.enforceFrom || null,
    };
    const { value, errors } = await validateForm(UpdatePolicyDto, input, LABELS);
    // The DTO makes every field optional (PATCH); on this form every number is required.
    const numbers = ['defaultIncidentPoints', 'providerFaultBonusPoints', 'lowBalanceThreshold', 'perIncidentFeeCents', 'currency', 'onShortfall'] as const;
    const missing = Object.fromEntries(numbers.filter((f) => values[f] === '').map((f) => [f, `${LABELS[f]} is required`]));
    const fail = (e: FieldErrors, alert?: string) => sendView(res, 'console/policy', this.model(values, e, alert), FORM_REJECTED);
    if (errors || Object.keys(missing).length > 0) return fail({ ...errors, ...missing });
    try {
      await this.policy.update(value, user.actor.id);
    } catch (err) {
      if (err instanceof DomainError) return fail({}, err.message);
      throw err;
    }
    this.cookies.setFlash(res, { kind: 'success', text: 'Policy saved. New calls are charged with it from now on.' });
    res.redirect(303, '/console/policy');
  }

  private model(values: PolicyValues, errors: FieldErrors, alert?: string) {
    return {
      title: 'Charging policy',
      values,
      channels: CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c], checked: values.chargeableChannels.includes(c) })),
      shortfallOptions: options(['fee', 'block'] as const, { fee: 'Bill the call per incident', block: 'Refuse to log the call' }, values.onShortfall),
      errors,
      alert,
    };
  }
}
