import { Get, Query, Render } from '@nestjs/common';
import { AccountsService } from '../../accounts/accounts.service';
import { IdParam } from '../../common/http/id-param.pipe';
import { AccountPageModel, AccountPages } from '../account-pages';
import { ConsoleController } from '../session/console-controller.decorator';
import { ConsoleUser, Staff } from '../session/console-user';
import { AccountSummary, accountSummary } from '../view-models';

const SEARCH_LIMIT = 20;

interface SearchModel {
  q: string;
  accounts: AccountSummary[];
  total: number;
  more: boolean;
}

/** Finding an account (type-ahead search) and the account page an agent works from during a call. */
@ConsoleController()
export class ConsoleAccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly pages: AccountPages,
  ) {}

  /** The start page: the search box, with results for ?q= so it also works without JavaScript. */
  @Get()
  @Render('console/home')
  async home(@Query('q') q: unknown): Promise<SearchModel & { title: string }> {
    return { title: 'Find an account', ...(await this.search(q)) };
  }

  /** Type-ahead results, fetched by htmx as the agent types. */
  @Get('search')
  @Render('console/fragments/search-results')
  async results(@Query('q') q: unknown): Promise<SearchModel & { layout: false }> {
    return { layout: false, ...(await this.search(q)) };
  }

  @Get('accounts/:id')
  @Render('console/account')
  account(@IdParam('id', 'account') id: number, @Staff() user: ConsoleUser): Promise<AccountPageModel> {
    return this.pages.page(user, id);
  }

  private async search(raw: unknown): Promise<SearchModel> {
    const q = typeof raw === 'string' ? raw.trim().slice(0, 200) : '';
    const found = await this.accounts.search({ q: q || undefined, limit: SEARCH_LIMIT, offset: 0 });
    return { q, accounts: found.items.map(accountSummary), total: found.total, more: found.total > found.items.length };
  }
}
