import { Inject, Injectable } from '@nestjs/common';
import { billingV1 } from '@ocr/proto';
import { BillingRepository, Caller } from '../billing/billing.repository';
import { DomainError } from '../common/domain-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { SignupLimiter } from './signup.limiter';
import { AccountDto, CreateAccountDto, CreatedAccountDto, IssuedTokenDto, IssueTokenDto, mapAccount } from './account.dto';

export type { AccountDto } from './account.dto';

/** The billing calls the account page needs. */
export type AccountBilling = Pick<BillingRepository, 'createAccount' | 'issueToken' | 'revokeToken'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The account page: sign up for a free account (its token shown once), see plan, balance and
 * usage, issue another token, revoke one. Everything but sign-up needs an account token.
 */
@Injectable()
export class AccountService {
  private readonly signups: SignupLimiter;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: Pick<GatewayConfig, 'signupEnabled' | 'signupRateLimit'>,
    @Inject(BillingRepository) private readonly billing: AccountBilling,
  ) {
    this.signups = new SignupLimiter(config.signupRateLimit);
  }

  describe(caller: Caller): AccountDto {
    return mapAccount(this.accountOf(caller, 'An API token is required to see an account.'));
  }

  /** Opens a free account; the response is the only time its token is shown. At most SIGNUP_RATE_LIMIT an hour per IP. */
  async signUp(dto: CreateAccountDto, clientIp: string): Promise<CreatedAccountDto> {
    if (!this.config.signupEnabled) {
      throw new DomainError('forbidden', 'Sign-up is disabled on this server; ask its operator for an account.');
    }
    this.signups.take(clientIp);
    const created = await this.billing.createAccount(dto.email.trim(), billingV1.Plan.PLAN_FREE, 0);
    if (!created.account || !created.token) throw new Error('billing CreateAccount answered without an account or token');
    return { account: mapAccount(created.account), token: created.token, token_id: created.token_id };
  }

  /** Another token for the caller's account, shown once. */
  async issueToken(caller: Caller, dto: IssueTokenDto): Promise<IssuedTokenDto> {
    const account = this.accountOf(caller, 'An API token is required to issue another one.');
    const label = dto.label?.trim() ?? '';
    const issued = await this.billing.issueToken(account.id, label);
    return { token: issued.token, token_id: issued.token_id, label };
  }

  /**
   * Revokes one of the caller's tokens (it may be the one in use: it stops working at once).
   * A token that is not the caller's is 404; revoking a revoked token again is a no-op.
   */
  async revokeToken(caller: Caller, tokenId: string): Promise<void> {
    const account = this.accountOf(caller, 'An API token is required to revoke one.');
    if (!UUID.test(tokenId)) throw new DomainError('not_found', 'No such token.');
    await this.billing.revokeToken(account.id, tokenId.toLowerCase());
  }

  private accountOf(caller: Caller, why: string): billingV1.Account {
    if (!caller.account) throw new DomainError('unauthorized', why);
    return caller.account;
  }
}
