import { Get, Post, Query, Render, Res } from '@nestjs/common';
import { Response } from 'express';
import { AccountsService } from '../../accounts/accounts.service';
import { BundlesService } from '../../bundles/bundles.service';
import { DomainError } from '../../common/errors/domain-error';
import { points } from '../../console/format';
import { EntryRow, entryRow } from '../../console/view-models';
import { PointBankService } from '../../point-bank/point-bank.service';
import { PolicyService } from '../../policy/policy.service';
import { PortalController } from '../session/portal-controller.decorator';
import { PortalCookies } from '../session/portal-cookies';
import { Client, PortalUser } from '../session/portal-user';
import { AccountModel, accountModel, LowBalanceBanner, lowBalanceBanner, offsetParam, Pager, pager, PortalNav, refusalText } from '../view-models';

const HISTORY_LIMIT = 20;

interface HistoryModel {
  entries: EntryRow[];
  pager: Pager;
}

export interface OverviewModel {
  title: string;
  nav: PortalNav;
  account: AccountModel;
  balance: { count: number; text: string; low: boolean; banner: LowBalanceBanner | null };
  history: HistoryModel;
}

/** The client's start page: balance, policy status and terms, low-balance offer, and the point history. */
@PortalController()
export class PortalOverviewController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly bank: PointBankService,
    private readonly bundles: BundlesService,
    private readonly policy: PolicyService,
    private readonly cookies: PortalCookies,
  ) {}

  @Get()
  @Render('portal/overview')
  async overview(@Client() client: PortalUser, @Query('offset') offset: unknown): Promise<OverviewModel> {
    const a = client.account;
    const [history, banner] = await Promise.all([this.history(client, offsetParam(offset)), a.lowBalance ? this.banner(client) : null]);
    return {
      title: 'Overview', nav: 'overview', account: accountModel(a),
      balance: { count: a.balance, text: points(a.balance), low: a.lowBalance, banner }, history,
    };
  }

  /** Another page of the history, fetched by htmx (the links also work as plain links to /portal?offset=). */
  @Get('history')
  @Render('portal/fragments/history')
  async historyPage(@Client() client: PortalUser, @Query('offset') offset: unknown): Promise<{ layout: false; history: HistoryModel }> {
    return { layout: false, history: await this.history(client, offsetParam(offset)) };
  }

  @Post('terms/accept')
  async acceptTerms(@Client() client: PortalUser, @Res() res: Response): Promise<void> {
    try {
      await this.accounts.acceptTerms(client.actor.accountId, client.actor);
      this.cookies.setFlash(res, { kind: 'success', text: 'Thank you: you have accepted the new support terms. Your account is now enrolled.' });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.cookies.setFlash(res, { kind: 'error', text: refusalText(err) });
    }
    res.redirect(303, '/portal');
  }

  private async history(client: PortalUser, offset: number): Promise<HistoryModel> {
    const page = await this.bank.history(client.actor, client.actor.accountId, HISTORY_LIMIT, offset);
    return { entries: page.items.map(entryRow), pager: pager(offset, page.items.length, page.total, HISTORY_LIMIT) };
  }

  private async banner(client: PortalUser): Promise<LowBalanceBanner> {
    const [onSale, policy] = await Promise.all([this.bundles.list(client.actor), this.policy.get()]);
    return lowBalanceBanner(onSale.items, policy);
  }
}
